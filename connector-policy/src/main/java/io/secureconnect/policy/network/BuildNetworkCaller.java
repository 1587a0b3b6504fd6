package io.secureconnect.policy.network;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.identity.CallerContext;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.identity.PeerKind;
import io.secureconnect.common.keys.DenialReasons;
import io.secureconnect.common.keys.KeyAnswer;
import io.secureconnect.common.keys.KeyQuestion;
import io.secureconnect.common.keys.KeyValidatorWire;
import io.secureconnect.common.keys.ValidateTokenClient;
import io.secureconnect.common.oidc.OidcIdentity;
import io.secureconnect.policy.auth.KeyScope;
import io.secureconnect.policy.config.PolicyConfig;
import io.secureconnect.policy.connector.ConnectorKey;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may resolve the build network of an account (ResolveBuildNetwork): a runner, for any account; an API key or
 * OIDC identity of that account holding {@link #PERMISSION} over every connector the build names (its resource
 * groups must cover each: key-validator evaluates them, in one ValidateToken with every connector as a resource;
 * an OIDC identity has no groups and needs ABAC All). {@link io.secureconnect.common.identity
 * .CallerAuthInterceptor} has already refused everyone else. Refusals: UNAUTHENTICATED (unknown, expired, revoked
 * key), PERMISSION_DENIED (another account's, a missing permission, a connector its resource scope does not cover:
 * ABAC_SCOPE_TOO_NARROW, decided before any connector is read, so whether it exists is not revealed),
 * RESOURCE_EXHAUSTED (too many failures from this client), UNAVAILABLE (key-validator did not answer: fail closed).
 *
 * <p>{@code core_pipeline_execute} is not asked for as well: it is a PIPELINE permission, a resource check covers one
 * resource type, and the request names no pipeline. Roles that held it for this ({@code _pipeline_executor}) hold
 * {@link #PERMISSION} too.
 */
@Singleton
public class BuildNetworkCaller {

    public static final String PERMISSION = "core_connector_access";

    @GrpcClient("keyvalidator")
    KeyValidatorGrpc.KeyValidatorBlockingStub keyValidator;

    @Inject
    PolicyConfig config;

    /**
     * Returns how logs name the caller; throws the refusal. {@code connectors}: those the build names (checked
     * request). Blocking: call it from a worker thread.
     */
    public String authorize(String accountId, List<ConnectorKey> connectors) {
        Optional<Peer> peer = CallerContext.peer();
        if (peer.isPresent() && peer.get().kind() == PeerKind.RUNNER) {
            return peer.get().toString();
        }
        Optional<OidcIdentity> token = CallerContext.accountToken();
        if (token.isPresent()) {
            return oidc(token.get(), accountId, connectors);
        }
        Optional<String> apiKey = CallerContext.apiKey();
        if (apiKey.isPresent()) {
            return apiKey(apiKey.get(), accountId, connectors, CallerContext.client().orElse(null));
        }
        throw GrpcFailure.of(Status.Code.PERMISSION_DENIED, "METHOD_NOT_ALLOWED",
                "only a runner, or an API key or OIDC identity of the account, may resolve a build network");
    }

    /** The same rules as {@link io.secureconnect.common.oidc.OidcCallerRules} on REST, as gRPC refusals. */
    static String oidc(OidcIdentity identity, String accountId, List<ConnectorKey> connectors) {
        if (identity.accountId() == null || !identity.accountId().equals(accountId)) {
            throw GrpcFailure.of(Status.Code.PERMISSION_DENIED, "WRONG_ACCOUNT",
                    "this token may not act on the account asked for");
        }
        if (!identity.roles().contains(PERMISSION)) {
            throw GrpcFailure.of(Status.Code.PERMISSION_DENIED, "MISSING_PERMISSION",
                    "this token lacks " + PERMISSION + " (a role of the same name)");
        }
        boolean outside = connectors.stream().anyMatch(connector -> KeyScope.excludes(identity.orgId(),
                identity.projectId(), connector.orgId(), connector.projectId()));
        if (!connectors.isEmpty() && (!identity.abacAll() || outside)) {
            throw GrpcFailure.of(Status.Code.PERMISSION_DENIED, "ABAC_SCOPE_TOO_NARROW",
                    "this token's resource scope does not cover every connector of the build (a token has no resource"
                            + " groups: it needs the ABAC-All role, and connectors inside its org and project)");
        }
        return identity.name();
    }

    private String apiKey(String token, String accountId, List<ConnectorKey> connectors, SocketAddress client) {
        KeyAnswer answer = new ValidateTokenClient(keyValidator, config.dependencyTimeout()).validate(KeyQuestion
                .of(token, Set.of(PERMISSION)).account(accountId).target(Target.resources(connectors.stream()
                        .map(c -> new ResourceRef(ResourceRef.CONNECTOR, c.identifier(), c.orgId(), c.projectId()))
                        .toList())).from(ClientAddress.of(client)));
        if (answer instanceof KeyAnswer.Valid valid) {
            return "apikey:" + valid.principal().getApiKeyId();
        }
        if (answer instanceof KeyAnswer.Denied denied) {
            throw denial(denied);
        }
        if (answer instanceof KeyAnswer.Throttled throttled) {
            boolean key = throttled.who() == KeyAnswer.Throttle.KEY;
            throw GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED,
                    key ? KeyValidatorWire.KEY_THROTTLED : KeyValidatorWire.RATE_LIMITED,
                    key ? "too many failed uses of this API key; retry later"
                            : "too many failed API key checks from this client; retry later",
                    Map.of(KeyValidatorWire.RETRY_AFTER, String.valueOf(throttled.retryAfterOr(5))));
        }
        throw GrpcFailure.of(Status.Code.UNAVAILABLE, "KEY_VALIDATOR_UNAVAILABLE",
                "API keys cannot be checked right now (key-validator did not answer); retry later");
    }

    /** The one table's status as gRPC's, the reason without its prefix (e.g. REVOKED) as the trailer. */
    private static StatusRuntimeException denial(KeyAnswer.Denied denied) {
        String reason = DenialReasons.name(denied.reason());
        Status.Code code = denied.row().forbidden() ? Status.Code.PERMISSION_DENIED : Status.Code.UNAUTHENTICATED;
        return switch (denied.reason()) {
            case DENIAL_REASON_MISSING_PERMISSION -> GrpcFailure.of(code, reason,
                    "this API key lacks " + String.join(", ", denied.response().getMissingPermissionsList()));
            case DENIAL_REASON_ABAC_SCOPE_TOO_NARROW -> GrpcFailure.of(code, reason,
                    "this API key's resource groups do not cover every connector of the build with " + PERMISSION);
            default -> GrpcFailure.of(code, reason, denied.row().message());
        };
    }
}
