package io.secureconnect.registry.lease;

import java.time.Instant;
import java.util.UUID;

/** A granted lease. {@code expiresAt} is null when it is held until released. */
public record Lease(String accountId, int port, UUID tunnelId, String apiKeyId, String gatewayId, long epoch,
        Instant acquiredAt, Instant expiresAt) {
}
