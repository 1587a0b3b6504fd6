package io.secureconnect.registry.tunnel;

import java.time.Instant;
import java.util.UUID;

/**
 * A tunnel as the REST API shows it: the current (or last) one of a port. {@code leaseExpiresAt} is null for a
 * lease held until released; {@code bytesIn}/{@code bytesOut} are the totals its gateway last reported.
 */
public record TunnelView(UUID tunnelId, String accountIdentifier, int port, TunnelStatus status, String apiKeyId,
        long epoch, Instant leaseExpiresAt, String gatewayId, String proxyHost, String agentHost, String agentVersion,
        Instant connectedSince, Instant disconnectedSince, Instant lastHeartbeat, long bytesIn, long bytesOut) {

    public static TunnelView of(TunnelRecord t) {
        return new TunnelView(t.tunnelId(), t.accountId(), t.port(),
                t.connected() ? TunnelStatus.CONNECTED : TunnelStatus.DISCONNECTED, t.apiKeyId(), t.epoch(),
                t.leaseExpiresAt(), t.gatewayId(), t.proxyHost(), t.agentHost(), t.agentVersion(), t.connectedSince(),
                t.disconnectedSince(), t.lastHeartbeat(), t.bytesIn(), t.bytesOut());
    }
}
