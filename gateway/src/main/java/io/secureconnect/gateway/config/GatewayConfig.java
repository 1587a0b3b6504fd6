package io.secureconnect.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's settings ({@code secureconnect.gateway.*}) and their defaults, stated here only. {@link GatewaySettings}
 * holds the rules over them, which run before Quarkus starts ({@link GatewayStartupChecks}) and again at start-up.
 * The required files are {@code Optional} here so that a missing one is refused by those rules, in one line, as well.
 */
@ConfigMapping(prefix = "secureconnect.gateway")
public interface GatewayConfig {

    String PREFIX = "secureconnect.gateway.";

    /** This gateway's id in tunnel-registry; defaults to the host name. */
    Optional<String> id();

    /** Agent endpoint: gRPC over TLS. */
    @WithDefault("8443")
    int agentPort();

    /** Data endpoint: raw TLS connections from agents, one per proxied connection. */
    @WithDefault("8444")
    int dataPort();

    /**
     * Proxy listeners: ports and ranges, e.g. "30000-30099" or "30000,30005-30009"; "0" = one ephemeral port. Where
     * ports are opened, not which ports agents may ask for: that is tunnel-registry's pool, learnt at registration
     * (the default matches the registry's default pool; a pool these do not cover is logged as an ERROR).
     */
    @WithDefault("30000-30099")
    String proxyPorts();

    /** Address every listener binds to. */
    @WithDefault("0.0.0.0")
    String bindHost();

    /**
     * Host builds use to reach this gateway's proxy ports (the proxy URL connector-policy hands out, via
     * RegisterGateway); defaults to the id. Agents do not use it: they dial the data port at the host they dialled
     * for the agent port (REMOTE_SERVER's), unless {@link #agentDataHost()} names another.
     */
    Optional<String> publicHost();

    /**
     * Host agents dial for the data port, told to them in Welcome.data_endpoint; unset (the default): each agent
     * dials REMOTE_SERVER's host. Set it only when agents reach the data port by another name than the agent port;
     * the TLS certificate must cover that name.
     */
    Optional<String> agentDataHost();

    Tls tls();

    /** Limits of the proxy ports ({@code secureconnect.gateway.proxy.*}). */
    Proxy proxy();

    /** Ed25519 public key (PEM) that verifies build credentials signed by connector-policy. Required. */
    @WithName("credential-verify-key")
    Optional<Path> credentialVerifyKey();

    /** How long a proxied connection waits for the agent to reach the destination (then 504). */
    @WithDefault("10s")
    Duration dialTimeout();

    /** A proxied connection with no traffic either way for this long is closed. */
    @WithDefault("5m")
    Duration idleTimeout();

    /** Told to agents in Welcome; an agent silent for three intervals is gone. */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /**
     * On SIGTERM, how long the gateway goes on serving while its agents move their tunnels to other gateways (make
     * before break: HandOver, then Goodbye); 0 says Goodbye at once. With the pre-stop delay, keep it under the pod's
     * grace period.
     */
    @WithDefault("10s")
    Duration handOverTimeout();

    /**
     * While key-validator's revocation stream cannot be followed, admitted tunnels go on serving for this long; then
     * the gateway fails closed (every tunnel closes, agents are refused) until the stream is back.
     */
    @WithDefault("5m")
    Duration revocationMaxStaleness();

    /**
     * Data connections each agent stream may park here ahead of demand, so a new proxied connection needs no TCP or
     * TLS handshake to the agent; 0 turns parking off (the agent then opens one per connection).
     */
    @WithDefault("8")
    int dataPoolSize();

    /** A parked data connection not assigned to a dial within this time is closed (the agent opens a fresh one). */
    @WithDefault("2m")
    Duration dataPoolIdleTimeout();

    /**
     * Parked data connections are reused: when the proxied connection one carried ends, both ends exchange END and
     * it is parked again (for agents that ask for it; see DataPreamble.reusable), so new connections cost no TLS
     * handshake. False: one data connection per proxied connection.
     */
    @WithDefault("true")
    boolean dataReuse();

    interface Proxy {
        /**
         * A connection's first request head (request line and headers) must be complete this long after accept, else
         * 408 and close; bytes arriving do not move the deadline.
         */
        @WithDefault("10s")
        Duration headTimeout();

        /**
         * Connections from one source address that are not authorized yet (accepted, first head not yet allowed);
         * one more is answered 429 at accept and closed.
         */
        @WithDefault("256")
        int maxUnauthenticatedPerSource();

        /** Proxied connections one build (account and build id of its credential) may have open at once; then 429. */
        @WithDefault("256")
        int maxConnectionsPerBuild();

        /** Proxied connections all builds of one account may have open at once on this gateway; then 429. */
        @WithDefault("2048")
        int maxConnectionsPerAccount();
    }

    interface Tls {
        /**
         * Server certificate chain (PEM) of the agent, data and TLS proxy endpoints. It must cover the public host
         * (builds), the host of every agent's REMOTE_SERVER (agents verify the agent and data ports against it) and
         * agent-data-host when set (docs/deploy.md). Required.
         */
        Optional<Path> certificate();

        /** Its private key (PEM, PKCS#8). Required. */
        Optional<Path> key();
    }
}
