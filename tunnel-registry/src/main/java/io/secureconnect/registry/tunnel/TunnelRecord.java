package io.secureconnect.registry.tunnel;

import java.time.Instant;
import java.util.UUID;

/**
 * The current (or last) tunnel of one (account, port), with its lease and serving gateway. {@code connected}
 * is true while its lease is live; {@code leaseExpiresAt} is null for a lease held until released.
 */
public record TunnelRecord(UUID tunnelId, String accountId, int port, boolean connected, String apiKeyId,
        long epoch, Instant leaseExpiresAt, String gatewayId, String agentEndpoint, String proxyHost,
        String gatewayVersion, String agentHost, String agentVersion, Instant connectedSince,
        Instant disconnectedSince, Instant lastHeartbeat, long bytesIn, long bytesOut) {
}
