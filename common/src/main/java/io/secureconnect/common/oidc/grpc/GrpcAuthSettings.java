package io.secureconnect.common.oidc.grpc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;

/**
 * Who may call this service's gRPC methods (prefix {@code secureconnect.grpc.auth}). Off by default; with
 * {@code required=true} every call except {@link #openMethods()} must carry {@code authorization: Bearer <OIDC
 * access token>} (a client-credentials token of the calling service) verified by the OIDC provider of
 * {@code quarkus.oidc.*}, and one of its roles must be allowed for the method:
 *
 * <pre>
 * secureconnect.grpc.auth.required=true
 * secureconnect.grpc.auth.roles.sc_gateway=secureconnect.keyvalidator.v1.KeyValidator/ValidateToken,\
 *     secureconnect.keyvalidator.v1.KeyValidator/WatchRevocations
 * </pre>
 *
 * A method is named {@code <package>.<Service>/<Method>}; {@code <package>.<Service>/*} names every method of a
 * service. A method no role is allowed is refused to every caller (deny by default).
 */
@ConfigMapping(prefix = "secureconnect.grpc.auth")
public interface GrpcAuthSettings {

    /** Whether gRPC calls must carry a verified OIDC access token. */
    @WithDefault("false")
    boolean required();

    /** Role name to the methods a token holding it may call. */
    Map<String, List<String>> roles();

    /** Methods anyone may call without a token: health checks and reflection. */
    @WithDefault("grpc.health.v1.Health/*,grpc.reflection.v1.ServerReflection/*,"
            + "grpc.reflection.v1alpha.ServerReflection/*")
    List<String> openMethods();
}
