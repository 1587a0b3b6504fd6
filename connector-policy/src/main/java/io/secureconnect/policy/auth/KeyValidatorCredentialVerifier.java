package io.secureconnect.policy.auth;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.auth.CredentialVerifier;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.policy.config.PolicyConfig;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Checks REST callers' API keys by asking key-validator (gRPC ValidateToken), with the connector a call is about
 * (or the scope it lists) so that key-validator evaluates the key's resource groups. A denial answers 401 or 403
 * with the reason, rate limiting 429 with Retry-After; key-validator unreachable (or failing) answers 503:
 * nothing unverified gets through.
 */
@ApplicationScoped
public class KeyValidatorCredentialVerifier implements CredentialVerifier {

    private static final Logger LOG = Logger.getLogger(KeyValidatorCredentialVerifier.class);

    @GrpcClient("keyvalidator")
    KeyValidatorGrpc.KeyValidatorBlockingStub keyValidator;

    @Inject
    PolicyConfig config;

    @Inject
    RoutingContext request;

    @Override
    public Caller verifyApiKey(String token, String accountId, Set<String> requiredPermissions, Target target) {
        ValidateTokenRequest.Builder request = ValidateTokenRequest.newBuilder().setToken(token)
                .addAllRequiredPermissions(requiredPermissions.stream().sorted().toList());
        if (accountId != null) {
            request.setExpectedAccountId(accountId);
        }
        KeyValidatorTargets.ask(request, target);
        ValidateTokenResponse answer;
        try {
            answer = keyValidator.withDeadlineAfter(config.dependencyTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .withInterceptors(ClientAddress.forwarding(clientAddress()))
                    .validateToken(request.build());
        } catch (StatusRuntimeException e) {
            // Never log the token: only what went wrong.
            Status.Code code = e.getStatus().getCode();
            if (code == Status.Code.RESOURCE_EXHAUSTED) {
                if (GrpcFailure.reason(e).filter("KEY_THROTTLED"::equals).isPresent()) {
                    throw new ProblemException(429, "KEY_THROTTLED", "too many failed uses of this API key; retry later",
                            List.of(), Map.of("Retry-After", String.valueOf(retryAfter(e))));
                }
                throw ProblemException.tooManyRequests("too many API key checks failed from here; retry later",
                        retryAfter(e));
            }
            if (code == Status.Code.INVALID_ARGUMENT) {
                // We only ask for permissions of the closed list and checked resources: our defect, not the caller's.
                LOG.errorf("key-validator refused our ValidateToken request reason=%s field=%s",
                        GrpcFailure.reason(e).orElse("none"), GrpcFailure.fact(e, "field").orElse("none"));
            } else {
                LOG.warnf("key-validator ValidateToken failed status=%s", code);
            }
            throw new ProblemException(503, "KEY_VALIDATOR_UNAVAILABLE",
                    "API keys cannot be checked right now (key-validator did not answer); retry later",
                    List.of(), Map.of("Retry-After", "5"));
        }
        if (answer.getValid()) {
            var principal = answer.getPrincipal();
            return new Caller(principal.getAccountId(), principal.getOrgId(), principal.getProjectId(),
                    principal.getApiKeyId(), Set.copyOf(answer.getGrantedPermissionsList()), false,
                    KeyValidatorTargets.coverage(answer));
        }
        throw denial(answer, target);
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

    private static long retryAfter(StatusRuntimeException e) {
        try {
            return Math.max(1, Long.parseLong(GrpcFailure.fact(e, "retry-after").orElse("5")));
        } catch (NumberFormatException notANumber) {
            return 5;
        }
    }

    private static ProblemException denial(ValidateTokenResponse answer, Target target) {
        return switch (answer.getReason()) {
            case DENIAL_REASON_MISSING_PERMISSION -> ProblemException.forbidden("MISSING_PERMISSION",
                    "this API key lacks " + String.join(", ", answer.getMissingPermissionsList()));
            case DENIAL_REASON_ABAC_SCOPE_TOO_NARROW -> outsideKeyScope(answer, target)
                    ? KeyScope.tooNarrow(answer.getPrincipal().getOrgId(), answer.getPrincipal().getProjectId())
                    : target.tooNarrow("this API key");
            case DENIAL_REASON_WRONG_ACCOUNT -> ProblemException.forbidden("WRONG_ACCOUNT",
                    "this API key belongs to another account");
            case DENIAL_REASON_EXPIRED -> ProblemException.unauthorized("the API key has expired");
            case DENIAL_REASON_REVOKED -> ProblemException.unauthorized("the API key has been revoked");
            case DENIAL_REASON_NOT_YET_VALID -> ProblemException.unauthorized("the API key is not valid yet");
            case DENIAL_REASON_MALFORMED -> ProblemException.unauthorized("the API key is malformed");
            default -> ProblemException.unauthorized("the API key is not known");
        };
    }
}
