package io.secureconnect.policy.auth;

import io.quarkus.grpc.GrpcClient;
import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.auth.CredentialVerifier;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.keys.KeyAnswer;
import io.secureconnect.common.keys.KeyQuestion;
import io.secureconnect.common.keys.KeyValidatorTargets;
import io.secureconnect.common.keys.KeyValidatorWire;
import io.secureconnect.common.keys.ValidateTokenClient;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.policy.config.PolicyConfig;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks REST callers' API keys by asking key-validator (gRPC ValidateToken, through common's
 * {@link ValidateTokenClient}), with the connector a call is about (or the scope it lists) so that key-validator
 * evaluates the key's resource groups; this class only turns the typed answer into this service's problems. A
 * denial answers 401 or 403 with the reason, rate limiting 429 with Retry-After; key-validator unreachable (or
 * failing) answers 503: nothing unverified gets through.
 */
@ApplicationScoped
public class KeyValidatorCredentialVerifier implements CredentialVerifier {

    /** Seconds a client waits when key-validator throttles without saying how long. */
    private static final long RETRY_AFTER_FALLBACK = 5;

    @GrpcClient("keyvalidator")
    KeyValidatorGrpc.KeyValidatorBlockingStub keyValidator;

    @Inject
    PolicyConfig config;

    @Inject
    RoutingContext request;

    @Override
    public Caller verifyApiKey(String token, String accountId, Set<String> requiredPermissions, Target target) {
        KeyAnswer answer = new ValidateTokenClient(keyValidator, config.dependencyTimeout()).validate(
                KeyQuestion.of(token, requiredPermissions).account(accountId).target(target).from(clientAddress()));
        if (answer instanceof KeyAnswer.Valid valid) {
            var principal = valid.principal();
            return new Caller(principal.getAccountId(), principal.getOrgId(), principal.getProjectId(),
                    principal.getApiKeyId(), Set.copyOf(valid.response().getGrantedPermissionsList()), false,
                    KeyValidatorTargets.coverage(valid.response()));
        }
        if (answer instanceof KeyAnswer.Denied denied) {
            throw denial(denied, target);
        }
        if (answer instanceof KeyAnswer.Throttled throttled) {
            long retryAfter = throttled.retryAfterOr(RETRY_AFTER_FALLBACK);
            if (throttled.who() == KeyAnswer.Throttle.KEY) {
                throw new ProblemException(429, KeyValidatorWire.KEY_THROTTLED,
                        "too many failed uses of this API key; retry later", List.of(),
                        Map.of("Retry-After", String.valueOf(retryAfter)));
            }
            throw ProblemException.tooManyRequests("too many API key checks failed from here; retry later",
                    retryAfter);
        }
        throw new ProblemException(503, "KEY_VALIDATOR_UNAVAILABLE",
                "API keys cannot be checked right now (key-validator did not answer); retry later",
                List.of(), Map.of("Retry-After", "5"));
    }

    /** A resource outside the key's own org or project: the key's scope, not its resource groups, is the cause. */
    private static boolean outsideKeyScope(ValidateTokenResponse answer, Target target) {
        return target instanceof Target.One one && answer.hasPrincipal() && KeyScope.excludes(
                answer.getPrincipal().getOrgId(), answer.getPrincipal().getProjectId(), one.resource().orgId(),
                one.resource().projectId());
    }

    /** key-validator counts bad tokens per client: name ours, so that one guessing caller does not block all. */
    private String clientAddress() {
        SocketAddress remote = request.request().remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }

    /**
     * The one table's answer, as this service's contract has it: 401 is always the generic UNAUTHENTICATED (with the
     * table's message), 403 the table's code; the messages name the missing permissions or the key's scope.
     */
    private static ProblemException denial(KeyAnswer.Denied denied, Target target) {
        ValidateTokenResponse answer = denied.response();
        return switch (denied.reason()) {
            case DENIAL_REASON_MISSING_PERMISSION -> ProblemException.forbidden(denied.row().code(),
                    "this API key lacks " + String.join(", ", answer.getMissingPermissionsList()));
            case DENIAL_REASON_ABAC_SCOPE_TOO_NARROW -> outsideKeyScope(answer, target)
                    ? KeyScope.tooNarrow(answer.getPrincipal().getOrgId(), answer.getPrincipal().getProjectId())
                    : target.tooNarrow("this API key");
            default -> denied.row().forbidden()
                    ? ProblemException.forbidden(denied.row().code(), denied.row().message())
                    : ProblemException.unauthorized(denied.row().message());
        };
    }
}
