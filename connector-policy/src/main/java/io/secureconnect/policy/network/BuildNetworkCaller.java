package io.secureconnect.policy.network;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.identity.CallerContext;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.identity.PeerKind;
import io.secureconnect.common.oidc.OidcIdentity;
import io.secureconnect.policy.config.PolicyConfig;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.SocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Who may resolve the build network of an account (ResolveBuildNetwork): a runner, for any account; an API key or
 * OIDC identity of that account holding {@link #PERMISSION}. {@link io.secureconnect.common.identity
 * .CallerAuthInterceptor} has already refused everyone else. Refusals: UNAUTHENTICATED (unknown, expired, revoked
 * key), PERMISSION_DENIED (another account's, a missing permission), RESOURCE_EXHAUSTED (too many failures from
 * this client), UNAVAILABLE (key-validator did not answer: fail closed).
 */
@Singleton
public class BuildNetworkCaller {

    public static final String PERMISSION = "core_pipeline_execute";
    private static final Logger LOG = Logger.getLogger(BuildNetworkCaller.class);

    @GrpcClient("keyvalidator")
    KeyValidatorGrpc.KeyValidatorBlockingStub keyValidator;

    @Inject
    PolicyConfig config;

    /** Returns how logs name the caller; throws the refusal. Blocking: call it from a worker thread. */
    public String authorize(String accountId) {
        Optional<Peer> peer = CallerContext.peer();
        if (peer.isPresent() && peer.get().kind() == PeerKind.RUNNER) {
            return peer.get().toString();
        }
        Optional<OidcIdentity> token = CallerContext.accountToken();
        if (token.isPresent()) {
            return oidc(token.get(), accountId);
        }
        Optional<String> apiKey = CallerContext.apiKey();
        if (apiKey.isPresent()) {
            return apiKey(apiKey.get(), accountId, CallerContext.client().orElse(null));
        }
        throw GrpcFailure.of(Status.Code.PERMISSION_DENIED, "METHOD_NOT_ALLOWED",
                "only a runner, or an API key or OIDC identity of the account, may resolve a build network");
    }

    private static String oidc(OidcIdentity identity, String accountId) {
        if (identity.accountId() == null || !identity.accountId().equals(accountId)) {
            throw GrpcFailure.of(Status.Code.PERMISSION_DENIED, "WRONG_ACCOUNT",
                    "this token may not act on the account asked for");
        }
        if (!identity.roles().contains(PERMISSION)) {
            throw GrpcFailure.of(Status.Code.PERMISSION_DENIED, "MISSING_PERMISSION",
                    "this token lacks " + PERMISSION + " (a role of the same name)");
        }
        return identity.name();
    }

    private String apiKey(String token, String accountId, SocketAddress client) {
        ValidateTokenResponse answer;
        try {
            answer = keyValidator.withDeadlineAfter(config.dependencyTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .withInterceptors(ClientAddress.forwarding(ClientAddress.of(client)))
                    .validateToken(ValidateTokenRequest.newBuilder().setToken(token).addRequiredPermissions(PERMISSION)
                            .setExpectedAccountId(accountId).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                throw GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED",
                        "too many failed API key checks from this client; retry later",
                        Map.of("retry-after", GrpcFailure.fact(e, "retry-after").orElse("5")));
            }
            LOG.warnf("key-validator ValidateToken failed status=%s", e.getStatus().getCode());
            throw GrpcFailure.of(Status.Code.UNAVAILABLE, "KEY_VALIDATOR_UNAVAILABLE",
                    "API keys cannot be checked right now (key-validator did not answer); retry later");
        }
        if (!answer.getValid()) {
            throw denial(answer);
        }
        return "apikey:" + answer.getPrincipal().getApiKeyId();
    }

    private static StatusRuntimeException denial(ValidateTokenResponse answer) {
        String reason = answer.getReason().name().replace("DENIAL_REASON_", "");
        return switch (answer.getReason()) {
            case DENIAL_REASON_MISSING_PERMISSION -> GrpcFailure.of(Status.Code.PERMISSION_DENIED, reason,
                    "this API key lacks " + String.join(", ", answer.getMissingPermissionsList()));
            case DENIAL_REASON_WRONG_ACCOUNT -> GrpcFailure.of(Status.Code.PERMISSION_DENIED, reason,
                    "this API key belongs to another account");
            case DENIAL_REASON_ABAC_SCOPE_TOO_NARROW -> GrpcFailure.of(Status.Code.PERMISSION_DENIED, reason,
                    "this API key's resource scope is too narrow");
            default -> GrpcFailure.of(Status.Code.UNAUTHENTICATED, reason, "the API key was refused: " + reason);
        };
    }
}
