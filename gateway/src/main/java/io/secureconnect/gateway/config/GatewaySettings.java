package io.secureconnect.gateway.config;

import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The validated, resolved settings every part of the gateway reads. */
@Singleton
public class GatewaySettings {

    static final int MAX_DATA_POOL_SIZE = 256;
    static final String DATA_POOL_SIZE_ALLOWED = "must be an integer from 0 (parking off) to " + MAX_DATA_POOL_SIZE;
    static final int MAX_LIMIT = 1_000_000;
    static final String LIMIT_ALLOWED = "must be an integer from 1 to " + MAX_LIMIT;

    private final GatewayConfig config;
    private final String gatewayId;
    private final String publicHost;
    private final Optional<String> agentDataHost;
    private final List<Integer> proxyPorts;

    public GatewaySettings(GatewayConfig config) {
        this.config = config;
        port(GatewayConfig.PREFIX + "agent-port", config.agentPort());
        port(GatewayConfig.PREFIX + "data-port", config.dataPort());
        positive(GatewayConfig.PREFIX + "dial-timeout", config.dialTimeout());
        positive(GatewayConfig.PREFIX + "idle-timeout", config.idleTimeout());
        positive(GatewayConfig.PREFIX + "heartbeat-interval", config.heartbeatInterval());
        notNegative(GatewayConfig.PREFIX + "hand-over-timeout", config.handOverTimeout());
        positive(GatewayConfig.PREFIX + "revocation-max-staleness", config.revocationMaxStaleness());
        positive(GatewayConfig.PREFIX + "data-pool-idle-timeout", config.dataPoolIdleTimeout());
        positive(GatewayConfig.PREFIX + "proxy.head-timeout", config.proxy().headTimeout());
        limit(GatewayConfig.PREFIX + "proxy.max-unauthenticated-per-source",
                config.proxy().maxUnauthenticatedPerSource());
        limit(GatewayConfig.PREFIX + "proxy.max-connections-per-build", config.proxy().maxConnectionsPerBuild());
        limit(GatewayConfig.PREFIX + "proxy.max-connections-per-account", config.proxy().maxConnectionsPerAccount());
        if (config.dataPoolSize() < 0 || config.dataPoolSize() > MAX_DATA_POOL_SIZE) {
            throw new SettingException(GatewayConfig.PREFIX + "data-pool-size", String.valueOf(config.dataPoolSize()),
                    DATA_POOL_SIZE_ALLOWED);
        }
        readable(GatewayConfig.PREFIX + "tls.certificate", config.tls().certificate());
        readable(GatewayConfig.PREFIX + "tls.key", config.tls().key());
        readable(GatewayConfig.PREFIX + "credential-verify-key", config.credentialVerifyKey());
        this.proxyPorts = PortList.parse(GatewayConfig.PREFIX + "proxy-ports", config.proxyPorts());
        this.gatewayId = config.id().filter(id -> !id.isBlank()).orElseGet(GatewaySettings::hostName);
        this.publicHost = config.publicHost().filter(host -> !host.isBlank()).orElse(gatewayId);
        this.agentDataHost = config.agentDataHost().filter(host -> !host.isBlank()).map(String::strip);
        agentDataHost.ifPresent(host -> {
            if (!hostOnly(host)) {
                throw new SettingException(GatewayConfig.PREFIX + "agent-data-host", host, AGENT_DATA_HOST_ALLOWED);
            }
        });
    }

    static final String AGENT_DATA_HOST_ALLOWED = "must be a host name or IP address without a port"
            + " (an IPv6 address in brackets, e.g. [2001:db8::1])";

    /** A host name, an IPv4 address or a bracketed IPv6 address: no port, no scheme, no path, no spaces. */
    static boolean hostOnly(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.length() > 2 && host.substring(1, host.length() - 1).matches("[0-9A-Fa-f:.]+");
        }
        return host.matches("[A-Za-z0-9._-]+");
    }

    /**
     * Welcome.data_endpoint: ":port" (agents dial their REMOTE_SERVER's host) unless agent-data-host names a host.
     */
    public String agentDataEndpoint(int dataPort) {
        return agentDataHost.orElse("") + ":" + dataPort;
    }

    public Optional<String> agentDataHost() {
        return agentDataHost;
    }

    public String gatewayId() {
        return gatewayId;
    }

    public String publicHost() {
        return publicHost;
    }

    /** {@code [0]} in tests: one listener on an ephemeral port, and no check that the credential names it. */
    public List<Integer> proxyPorts() {
        return proxyPorts;
    }

    public boolean ephemeralProxyPort() {
        return proxyPorts.equals(List.of(0));
    }

    public String bindHost() {
        return config.bindHost();
    }

    public int agentPort() {
        return config.agentPort();
    }

    public int dataPort() {
        return config.dataPort();
    }

    public Path certificate() {
        return config.tls().certificate();
    }

    public Path privateKey() {
        return config.tls().key();
    }

    public Path credentialVerifyKey() {
        return config.credentialVerifyKey();
    }

    public Duration dialTimeout() {
        return config.dialTimeout();
    }

    public Duration idleTimeout() {
        return config.idleTimeout();
    }

    public int dataPoolSize() {
        return config.dataPoolSize();
    }

    public Duration dataPoolIdleTimeout() {
        return config.dataPoolIdleTimeout();
    }

    public boolean dataReuse() {
        return config.dataReuse();
    }

    public Duration revocationMaxStaleness() {
        return config.revocationMaxStaleness();
    }

    public Duration handOverTimeout() {
        return config.handOverTimeout();
    }

    public Duration heartbeatInterval() {
        return config.heartbeatInterval();
    }

    public Duration headTimeout() {
        return config.proxy().headTimeout();
    }

    public int maxUnauthenticatedPerSource() {
        return config.proxy().maxUnauthenticatedPerSource();
    }

    public int maxConnectionsPerBuild() {
        return config.proxy().maxConnectionsPerBuild();
    }

    public int maxConnectionsPerAccount() {
        return config.proxy().maxConnectionsPerAccount();
    }

    static void port(String setting, int value) {
        if (value < 0 || value > 65535) {
            throw new SettingException(setting, String.valueOf(value), "must be an integer from 0 to 65535");
        }
    }

    static void notNegative(String setting, Duration value) {
        if (value.isNegative()) {
            throw new SettingException(setting, value.toString(), "must be 0 or a positive duration, e.g. 10s");
        }
    }

    static void positive(String setting, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new SettingException(setting, value.toString(), "must be a positive duration, e.g. 10s or 5m");
        }
    }

    static void limit(String setting, int value) {
        if (value < 1 || value > MAX_LIMIT) {
            throw new SettingException(setting, String.valueOf(value), LIMIT_ALLOWED);
        }
    }

    static void readable(String setting, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new SettingException(setting, file.toString(), "must be a readable PEM file");
        }
    }

    public static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }
}
