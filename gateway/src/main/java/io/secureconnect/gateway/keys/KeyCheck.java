package io.secureconnect.gateway.keys;

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

    /** @param reason the denial reason without its prefix, e.g. REVOKED, MISSING_PERMISSION */
    record Denied(String reason, String message) implements KeyCheck {
    }

    record Unavailable(String message) implements KeyCheck {
    }

    /** Too many failed checks from this agent's address: key-validator refuses it for {@code retryAfterSeconds}. */
    record Throttled(long retryAfterSeconds) implements KeyCheck {
    }
}
