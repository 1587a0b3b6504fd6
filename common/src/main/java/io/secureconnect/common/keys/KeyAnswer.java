package io.secureconnect.common.keys;

import io.grpc.Status;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;

/**
 * What ValidateToken answered, typed, so that each service converts it into its own answer with one switch and
 * no string comparison: valid, denied (with the reason and its row of {@link DenialReasons}), throttled (the key or
 * the client, with Retry-After) or unavailable (nothing unverified gets through: fail closed).
 */
public sealed interface KeyAnswer {

    /** The token may act: {@code response} holds the principal (never empty), permissions, coverage, receipt. */
    record Valid(ValidateTokenResponse response) implements KeyAnswer {

        public Principal principal() {
            return response.getPrincipal();
        }
    }

    /**
     * The token may not: {@code row} is the table's status, code and message for {@code reason};
     * {@code response} is key-validator's answer (its message, missing permissions, principal with ABAC denials).
     */
    record Denied(DenialReason reason, DenialReasons.Row row, ValidateTokenResponse response) implements KeyAnswer {

        /** key-validator's own message when it gave one, else the table's. */
        public String message() {
            return response.getMessage().isEmpty() ? row.message() : response.getMessage();
        }
    }

    /** Who is over a failure budget: the token id (KEY_THROTTLED) or the end client (RATE_LIMITED). */
    enum Throttle {
        KEY,
        CLIENT
    }

    /** key-validator refuses for {@code retryAfterSeconds} (0: it did not say, see {@link #retryAfterOr}). */
    record Throttled(Throttle who, long retryAfterSeconds) implements KeyAnswer {

        public long retryAfterOr(long fallback) {
            return retryAfterSeconds > 0 ? retryAfterSeconds : fallback;
        }
    }

    /** key-validator did not answer, failed, or answered nonsense; {@code code} is the gRPC status seen. */
    record Unavailable(Status.Code code, String why) implements KeyAnswer {
    }
}
