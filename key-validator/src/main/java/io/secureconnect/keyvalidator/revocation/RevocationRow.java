package io.secureconnect.keyvalidator.revocation;

import java.time.Instant;

/** One row of revocation_event. */
public record RevocationRow(long sequence, String accountId, String apiKeyIdentifier, String tokenId, EndCause cause,
        Instant at) {
}
