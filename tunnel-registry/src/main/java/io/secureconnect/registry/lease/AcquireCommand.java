package io.secureconnect.registry.lease;

/**
 * A request for a port. {@code port} 0 asks for the lowest free port. {@code heldUntilReleased} leases never
 * expire (registrations of Harness's frps fork, which does not heartbeat).
 */
public record AcquireCommand(String accountId, int port, String apiKeyId, String gatewayId, String agentId,
        String agentHost, String agentVersion, boolean heldUntilReleased) {

    public AcquireCommand {
        agentId = agentId == null ? "" : agentId;
        agentHost = agentHost == null ? "" : agentHost;
        agentVersion = agentVersion == null ? "" : agentVersion;
    }
}
