package io.secureconnect.registry.gateway;

import java.time.Instant;

/** A gateway as the REST API shows it; {@code live} is false once it stopped heartbeating. */
public record GatewayView(String gatewayId, String agentEndpoint, String proxyHost, String version,
        Instant registeredAt, Instant lastHeartbeat, Instant expiresAt, boolean live) {
}
