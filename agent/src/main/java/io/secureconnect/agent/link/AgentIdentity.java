package io.secureconnect.agent.link;

import java.net.InetAddress;
import java.util.Optional;
import java.util.UUID;

/** Who this agent process is, as told to the gateway in Hello: a random id per process, version, host name. */
public record AgentIdentity(String agentId, String version, String hostname) {

    public static AgentIdentity ofThisProcess() {
        String version = Optional.ofNullable(AgentIdentity.class.getPackage().getImplementationVersion())
                .orElse("0.1.0-SNAPSHOT");
        return new AgentIdentity(UUID.randomUUID().toString(), version, localHostname());
    }

    private static String localHostname() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
