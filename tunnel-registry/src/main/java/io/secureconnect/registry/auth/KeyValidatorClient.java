package io.secureconnect.registry.auth;

import io.quarkus.grpc.GrpcClient;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.keys.KeyAnswer;
import io.secureconnect.common.keys.KeyQuestion;
import io.secureconnect.common.keys.KeyValidatorWire;
import io.secureconnect.common.keys.ValidateTokenClient;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;

/**
 * Asks key-validator (gRPC client {@code keyvalidator}, through common's {@link ValidateTokenClient}) whether a
 * token may act, naming the end client the token came from (a REST client, an frpc) so that key-validator counts
 * failures per client, not per registry; turns the answer into this service's {@link KeyDenied}. A denial is the
 * one table's 401 or 403 with its specific code (API_KEY_REVOKED, MISSING_PERMISSION, ...); too many failures 429
 * with Retry-After, RATE_LIMITED (this client) or KEY_THROTTLED (this key's token id, from every client);
 * key-validator unreachable or failing 503: nothing is let through unverified.
 */
@ApplicationScoped
public class KeyValidatorClient {

    private static final Duration DEADLINE = Duration.ofMillis(3000);
    /** Seconds a client waits when key-validator throttles without saying how long. */
    private static final long RETRY_AFTER_FALLBACK = 10;

    @GrpcClient("keyvalidator")
    KeyValidatorGrpc.KeyValidatorBlockingStub keyValidator;

    /** Whose the token is, if it holds every permission (and ABAC "All" when asked) for the expected account. */
    public ValidateTokenResponse validate(String token, Set<String> permissions, boolean requireAbacAll,
            String expectedAccountId, String clientAddress) {
        return validate(token, permissions, requireAbacAll, expectedAccountId, clientAddress, Target.ownScope());
    }

    /**
     * The same, for a {@link Target}: one resource the token's resource groups must cover (403
     * ABAC_SCOPE_TOO_NARROW otherwise), or the scope whose coverage the answer names.
     */
    public ValidateTokenResponse validate(String token, Set<String> permissions, boolean requireAbacAll,
            String expectedAccountId, String clientAddress, Target target) {
        KeyAnswer answer = new ValidateTokenClient(keyValidator, DEADLINE).validate(KeyQuestion.of(token, permissions)
                .abacAll(requireAbacAll).account(expectedAccountId).target(target).from(clientAddress));
        if (answer instanceof KeyAnswer.Valid valid) {
            return valid.response();
        }
        if (answer instanceof KeyAnswer.Denied denied) {
            throw new KeyDenied(denied.row().status(), denied.row().code(), message(denied, target));
        }
        if (answer instanceof KeyAnswer.Throttled throttled) {
            long retryAfter = throttled.retryAfterOr(RETRY_AFTER_FALLBACK);
            if (throttled.who() == KeyAnswer.Throttle.KEY) {
                throw new KeyDenied(429, KeyValidatorWire.KEY_THROTTLED, "too many failed uses of this API key; "
                        + "retry after " + retryAfter + " s", retryAfter);
            }
            throw new KeyDenied(429, KeyValidatorWire.RATE_LIMITED, "too many failed API key checks from this "
                    + "client; retry after " + retryAfter + " s", retryAfter);
        }
        throw new KeyDenied(503, "KEY_VALIDATOR_UNAVAILABLE",
                "the API key cannot be checked right now (key-validator unavailable); try again");
    }

    /** The table's message, made precise where this service knows more (which permission, which resource). */
    private static String message(KeyAnswer.Denied denied, Target target) {
        if (denied.reason() == DenialReason.DENIAL_REASON_MISSING_PERMISSION) {
            return "the API key lacks the permission(s) "
                    + String.join(", ", denied.response().getMissingPermissionsList());
        }
        if (denied.reason() == DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW) {
            return target instanceof Target.One ? target.tooNarrow("this API key").getMessage()
                    : "the API key's resource scope must be All";
        }
        return denied.row().message();
    }
}
