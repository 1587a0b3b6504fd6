package io.secureconnect.gateway.config;

import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.gateway.tls.CertificateNames;
import io.secureconnect.gateway.tls.TlsMaterial;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * The validated, resolved settings every part of the gateway reads. The constructor is the gateway's one rule set over
 * {@link GatewayConfig}: the first setting at fault is thrown as a {@link SettingException} naming it and what it
 * allows. It runs before Quarkus starts ({@link GatewayStartupChecks}) and again when Quarkus creates this bean.
 */
@Singleton
public class GatewaySettings {

    private static final String P = GatewayConfig.PREFIX;
    static final String PORT_ALLOWED = "must be an integer from 0 to 65535";
    static final String POSITIVE_ALLOWED = "must be a positive duration, e.g. 10s or 5m";
    static final String NOT_NEGATIVE_ALLOWED = "must be 0 or a positive duration, e.g. 10s";
    static final int MAX_DATA_POOL_SIZE = 256;
    static final String DATA_POOL_SIZE_ALLOWED = "must be an integer from 0 (parking off) to " + MAX_DATA_POOL_SIZE;
    static final int MAX_LIMIT = 1_000_000;
    static final String LIMIT_ALLOWED = "must be an integer from 1 to " + MAX_LIMIT;
    static final String AGENT_DATA_HOST_ALLOWED = "must be a host name or IP address without a port"
            + " (an IPv6 address in brackets, e.g. [2001:db8::1])";
    /** Durations (name after {@code secureconnect.gateway.}) that must be more than 0, in the order checked. */
    private static final Map<String, Function<GatewayConfig, Duration>> POSITIVE = new LinkedHashMap<>();
    /** Limits of the proxy ports, from 1 to {@value #MAX_LIMIT}. */
    private static final Map<String, ToIntFunction<GatewayConfig>> LIMITS = new LinkedHashMap<>();

    static {
        POSITIVE.put("dial-timeout", GatewayConfig::dialTimeout);
        POSITIVE.put("idle-timeout", GatewayConfig::idleTimeout);
        POSITIVE.put("heartbeat-interval", GatewayConfig::heartbeatInterval);
        POSITIVE.put("revocation-max-staleness", GatewayConfig::revocationMaxStaleness);
        POSITIVE.put("data-pool-idle-timeout", GatewayConfig::dataPoolIdleTimeout);
        POSITIVE.put("proxy.head-timeout", config -> config.proxy().headTimeout());
        LIMITS.put("proxy.max-unauthenticated-per-source", config -> config.proxy().maxUnauthenticatedPerSource());
        LIMITS.put("proxy.max-connections-per-build", config -> config.proxy().maxConnectionsPerBuild());
        LIMITS.put("proxy.max-connections-per-account", config -> config.proxy().maxConnectionsPerAccount());
    }

    private final GatewayConfig config;
    private final String gatewayId;
    private final String publicHost;
    private final Optional<String> agentDataHost;
    private final List<Integer> proxyPorts;
    private final TlsMaterial tls;
    private final CertificateNames certificateNames;
    private final PublicKey credentialVerifyKey;

    public GatewaySettings(GatewayConfig config) {
        this.config = config;
        this.gatewayId = config.id().filter(id -> !id.isBlank()).orElseGet(GatewaySettings::hostName);
        if (!Peer.NAME.matcher(gatewayId).matches()) {
            throw new SettingException(P + "id", gatewayId, "must match " + Peer.NAME.pattern()
                    + " (it is also the name in the gateway's certificate)");
        }
        port("agent-port", config.agentPort());
        port("data-port", config.dataPort());
        this.proxyPorts = PortList.parse(P + "proxy-ports", config.proxyPorts());
        POSITIVE.forEach((name, setting) -> {
            Duration value = setting.apply(config);
            if (value.isZero() || value.isNegative()) {
                throw new SettingException(P + name, value.toString(), POSITIVE_ALLOWED);
            }
        });
        if (config.handOverTimeout().isNegative()) {
            throw new SettingException(P + "hand-over-timeout", config.handOverTimeout().toString(),
                    NOT_NEGATIVE_ALLOWED);
        }
        if (config.dataPoolSize() < 0 || config.dataPoolSize() > MAX_DATA_POOL_SIZE) {
            throw new SettingException(P + "data-pool-size", String.valueOf(config.dataPoolSize()),
                    DATA_POOL_SIZE_ALLOWED);
        }
        LIMITS.forEach((name, setting) -> {
            int value = setting.applyAsInt(config);
            if (value < 1 || value > MAX_LIMIT) {
                throw new SettingException(P + name, String.valueOf(value), LIMIT_ALLOWED);
            }
        });
        this.publicHost = config.publicHost().filter(host -> !host.isBlank()).orElse(gatewayId);
        this.agentDataHost = config.agentDataHost().filter(host -> !host.isBlank()).map(String::strip);
        agentDataHost.filter(host -> !hostOnly(host)).ifPresent(host -> {
            throw new SettingException(P + "agent-data-host", host, AGENT_DATA_HOST_ALLOWED);
        });
        Path certificate = file("tls.certificate", config.tls().certificate(), "the gateway's certificate chain in PEM");
        Path key = file("tls.key", config.tls().key(), "the certificate's private key in PEM (PKCS#8)");
        Path verifyKey = file("credential-verify-key", config.credentialVerifyKey(),
                "the Ed25519 public key (PEM) that verifies build credentials");
        try {
            this.tls = TlsMaterial.load(certificate, key);
            this.certificateNames = CertificateNames.of(certificate);
        } catch (RuntimeException e) {
            throw new SettingException(P + "tls.certificate", certificate.toString(),
                    "must be a PEM certificate chain matching " + P + "tls.key (" + e.getMessage() + ")");
        }
        agentDataHost.filter(host -> !certificateNames.covers(host)).ifPresent(host -> {
            throw new SettingException(P + "agent-data-host", host, "must be a name of the certificate " + P
                    + "tls.certificate, which names " + certificateNames + " (agents verify it against this host)");
        });
        try {
            this.credentialVerifyKey = Ed25519Keys.readPublic(verifyKey);
        } catch (Exception e) {
            throw new SettingException(P + "credential-verify-key", verifyKey.toString(),
                    "must be an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)");
        }
    }

    /** What a setting takes, told when its value is not even of the setting's type (Quarkus cannot convert it). */
    static Optional<String> allowed(String setting) {
        String name = setting.startsWith(P) ? setting.substring(P.length()) : setting;
        if (POSITIVE.containsKey(name)) {
            return Optional.of(POSITIVE_ALLOWED);
        }
        if (LIMITS.containsKey(name)) {
            return Optional.of(LIMIT_ALLOWED);
        }
        return Optional.ofNullable(switch (name) {
            case "agent-port", "data-port" -> PORT_ALLOWED;
            case "hand-over-timeout" -> NOT_NEGATIVE_ALLOWED;
            case "data-pool-size" -> DATA_POOL_SIZE_ALLOWED;
            default -> null;
        });
    }

    /** A host name, an IPv4 address or a bracketed IPv6 address: no port, no scheme, no path, no spaces. */
    static boolean hostOnly(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            return host.length() > 2 && host.substring(1, host.length() - 1).matches("[0-9A-Fa-f:.]+");
        }
        return host.matches("[A-Za-z0-9._-]+");
    }

    private static void port(String name, int value) {
        if (value < 0 || value > 65535) {
            throw new SettingException(P + name, String.valueOf(value), PORT_ALLOWED);
        }
    }

    private static Path file(String name, Optional<Path> value, String what) {
        Path path = value.filter(file -> !file.toString().isBlank())
                .orElseThrow(() -> new SettingException(P + name, "", "is required: the path of " + what));
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new SettingException(P + name, path.toString(), "must be a readable PEM file");
        }
        return path;
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

    /** The server TLS contexts of the agent, data and TLS proxy endpoints, from tls.certificate and tls.key. */
    public TlsMaterial tls() {
        return tls;
    }

    /** The names tls.certificate is valid for. */
    public CertificateNames certificateNames() {
        return certificateNames;
    }

    /** The key that verifies build credentials (credential-verify-key). */
    public PublicKey credentialVerifyKey() {
        return credentialVerifyKey;
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

    private static String hostName() {
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
