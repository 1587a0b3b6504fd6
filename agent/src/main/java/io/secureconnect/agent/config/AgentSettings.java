package io.secureconnect.agent.config;

import io.secureconnect.agent.dial.Allowlist;
import io.secureconnect.agent.net.HostPort;
import io.secureconnect.agent.net.ProxySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything the agent is told at start (env vars or flags, see {@link SettingsParser}).
 *
 * @param remotePort   REMOTE_PORT: the tunnel port, 1-65535 here; tunnel-registry's pool (its setting, default
 *                     30000-30099) is the one definition of the range, and the gateway refuses another port
 * @param remoteServer REMOTE_SERVER: the gateway's agent endpoint (default port 8443)
 * @param apiKey       API_KEY: a secret; never printed ({@link #toString()} leaves it out)
 * @param allow        ALLOW: the destination allowlist; empty allows all but loopback and link-local addresses
 * @param gatewayCa    GATEWAY_CA: a PEM file of extra trust anchors for the gateway's certificate
 * @param httpsProxy   HTTPS_PROXY: the corporate egress proxy (HTTP CONNECT) the agent must use to get out
 * @param drainTimeout DRAIN_TIMEOUT: how long open connections may finish after SIGTERM (default 30 s)
 * @param idleTimeout  IDLE_TIMEOUT: a relayed connection with no bytes either way this long is closed (900 s)
 */
public record AgentSettings(int remotePort, HostPort remoteServer, String apiKey, Allowlist allow,
                            Optional<Path> gatewayCa, Optional<ProxySettings> httpsProxy,
                            Duration drainTimeout, Duration idleTimeout) {

    /** The protocol's limits only: which ports form the pool is the registry's setting, the gateway enforces it. */
    public static final int MIN_PORT = 1;
    public static final int MAX_PORT = 65535;
    public static final int DEFAULT_GATEWAY_PORT = 8443;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(900);

    @Override
    public String toString() {
        return "AgentSettings[remotePort=" + remotePort + ", remoteServer=" + remoteServer + ", apiKey=***"
                + ", allow=" + allow + ", gatewayCa=" + gatewayCa.map(Path::toString).orElse("(none)")
                + ", httpsProxy=" + httpsProxy.map(ProxySettings::toString).orElse("(none)")
                + ", drainTimeout=" + drainTimeout + ", idleTimeout=" + idleTimeout + "]";
    }
}
