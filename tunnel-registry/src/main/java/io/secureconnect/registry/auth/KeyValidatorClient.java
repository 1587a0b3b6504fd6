package io.secureconnect.registry.auth;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Asks key-validator (gRPC client {@code keyvalidator}) whether a token may act, naming the end client the token
 * came from (a REST client, an frpc) so that key-validator counts failures per client, not per registry. A denial
 * becomes 401 (the token is not good) or 403 (good, but not for this); too many failures from that client 429 with
 * Retry-After; key-validator unreachable or failing 503: nothing is let through unverified. The token is never
 * logged.
 */
@ApplicationScoped
public class KeyValidatorClient {

    private static final Logger LOG = Logger.getLogger(KeyValidatorClient.class);
    private static final long DEADLINE_MILLIS = 3000;

    @GrpcClient("keyvalidator")
    KeyValidatorGrpc.KeyValidatorBlockingStub keyValidator;

    /** Whose the token is, if it holds every permission (and ABAC "All" when asked) for the expected account. */
    public ValidateTokenResponse validate(String token, Set<String> permissions, boolean requireAbacAll,
            String expectedAccountId, String clientAddress) {
        return validate(token, permissions, requireAbacAll, expectedAccountId, clientAddress, Target.ownScope());
    }

    /**
     * The same, for a {@link Target}: one resource the token's resource groups must cover (403
     * ABAC_SCOPE_TOO_NARROW otherwise), or the scope whose coverage the answer names (see KeyValidatorTargets).
     */
    public ValidateTokenResponse validate(String token, Set<String> permissions, boolean requireAbacAll,
            String expectedAccountId, String clientAddress, Target target) {
        ValidateTokenRequest.Builder request = ValidateTokenRequest.newBuilder().setToken(token)
                .addAllRequiredPermissions(permissions.stream().sorted().toList()).setRequireAbacAll(requireAbacAll);
        if (expectedAccountId != null) {
            request.setExpectedAccountId(expectedAccountId);
        }
        KeyValidatorTargets.ask(request, target);
        ValidateTokenResponse response;
        try {
            response = keyValidator.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                    .withInterceptors(ClientAddress.forwarding(clientAddress)).validateToken(request.build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                long retryAfter = retryAfter(e);
                throw new KeyDenied(429, "RATE_LIMITED", "too many failed API key checks from this client; retry "
                        + "after " + retryAfter + " s", retryAfter);
            }
            LOG.warnf("key-validator did not answer ValidateToken: %s", e.getStatus().getCode());
            throw new KeyDenied(503, "KEY_VALIDATOR_UNAVAILABLE",
                    "the API key cannot be checked right now (key-validator unavailable); try again");
        }
        if (!response.getValid()) {
            throw denied(response, target);
        }
        Principal principal = response.getPrincipal();
        if (principal.getAccountId().isEmpty() || principal.getApiKeyId().isEmpty()) {
            throw new KeyDenied(503, "KEY_VALIDATOR_UNAVAILABLE",
                    "key-validator answered without a principal; the API key cannot be checked");
        }
        return response;
    }

    private static long retryAfter(StatusRuntimeException e) {
        try {
            return Math.max(1, Long.parseLong(GrpcFailure.fact(e, "retry-after").orElse("10")));
        } catch (NumberFormatException notANumber) {
            return 10;
        }
    }

    private static KeyDenied denied(ValidateTokenResponse response, Target target) {
        return switch (response.getReason()) {
            case DENIAL_REASON_MALFORMED -> new KeyDenied(401, "API_KEY_MALFORMED",
                    "the API key is malformed; expected pat.<account>.<token>.<secret> or sat.<...>");
            case DENIAL_REASON_UNKNOWN -> new KeyDenied(401, "API_KEY_UNKNOWN", "the API key is not known");
            case DENIAL_REASON_EXPIRED -> new KeyDenied(401, "API_KEY_EXPIRED", "the API key has expired");
            case DENIAL_REASON_REVOKED -> new KeyDenied(401, "API_KEY_REVOKED", "the API key was revoked");
            case DENIAL_REASON_NOT_YET_VALID -> new KeyDenied(401, "API_KEY_NOT_YET_VALID",
                    "the API key is not valid yet");
            case DENIAL_REASON_MISSING_PERMISSION -> new KeyDenied(403, "MISSING_PERMISSION",
                    "the API key lacks the permission(s) " + String.join(", ", response.getMissingPermissionsList()));
            case DENIAL_REASON_ABAC_SCOPE_TOO_NARROW -> new KeyDenied(403, "ABAC_SCOPE_TOO_NARROW",
                    target instanceof Target.One ? target.tooNarrow("this API key").getMessage()
                            : "the API key's resource scope must be All");
            case DENIAL_REASON_WRONG_ACCOUNT -> new KeyDenied(403, "WRONG_ACCOUNT",
                    "this API key belongs to another account");
            default -> new KeyDenied(401, "API_KEY_REFUSED", "the API key was refused");
        };
    }
}
