package io.secureconnect.registry.config;

/**
 * One stock frps that calls the plugin endpoint: named by its path secret, with one port space of its own (frps
 * binds every proxy's remote port on its own host). Its leases are recorded under {@code gatewayId}.
 */
public record FrpInstance(String id, String gatewayId, String pathSecret, String agentEndpoint, String proxyHost) {

    /** Never shows the path secret. */
    @Override
    public String toString() {
        return "FrpInstance[id=" + id + ", gatewayId=" + gatewayId + "]";
    }
}
