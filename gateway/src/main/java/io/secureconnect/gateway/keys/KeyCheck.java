package io.secureconnect.gateway.keys;

import io.secureconnect.common.keys.DenialReasons;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;

/** The answer to "may this API key run an agent?". */
public sealed interface KeyCheck {

    /**
     * @param receipt key-validator's lease receipt for this gateway, account and key (short-lived): the proof
     *         tunnel-registry's AcquireLease needs. Used for the one admission it was asked for and never kept: a
     *         later acquisition validates the key again (which also re-checks revocation) for a fresh one.
     */
    record Valid(String accountId, String apiKeyId, String tokenId, LeaseReceipt receipt) implements KeyCheck {
    }

    /**
     * @param reason key-validator's reason, typed; {@code row} is its row of the one table (403: a good key, but not
     *         for an agent); {@code message} key-validator's own when it gave one
     */
    record Denied(DenialReason reason, DenialReasons.Row row, String message) implements KeyCheck {

        public boolean forbidden() {
            return row.forbidden();
        }
    }

    record Unavailable(String message) implements KeyCheck {
    }

    /** Too many failed checks from this agent's address: key-validator refuses it for {@code retryAfterSeconds}. */
    record Throttled(long retryAfterSeconds) implements KeyCheck {
    }
}
