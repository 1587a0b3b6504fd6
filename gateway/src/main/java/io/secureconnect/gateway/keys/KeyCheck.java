package io.secureconnect.gateway.keys;

/** The answer to "may this API key run an agent?". */
public sealed interface KeyCheck {

    record Valid(String accountId, String apiKeyId, String tokenId) implements KeyCheck {
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
