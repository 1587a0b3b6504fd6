package io.secureconnect.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of the registry ({@code secureconnect.registry.*}) and their defaults, stated here only;
 * {@link RegistrySettings} checks them at start-up. Durations take Quarkus's forms: {@code 30s}, {@code 500ms},
 * {@code PT1M}.
 */
@ConfigMapping(prefix = "secureconnect.registry")
public interface RegistryConfig {

    /** The port pool every account leases from (the seed's 30000-30099). */
    Ports ports();

    /** How long a lease lives without a renewal. */
    @WithDefault("30s")
    Duration leaseTtl();

    /** After a lease expires, how long its port stays reserved for the same API key (resumption). */
    @WithDefault("30s")
    Duration resumeGrace();

    /** How often gateways are told to heartbeat. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** How long a gateway counts as alive after its last heartbeat. */
    @WithDefault("30s")
    Duration gatewayTtl();

    /** How often the sweeper marks expired leases. */
    @WithDefault("5s")
    Duration sweepInterval();

    /**
     * How long lease events and disconnected tunnels are kept (the history the REST API and a repeated release
     * read); older ones are deleted by {@code HistoryPruner}.
     */
    @WithDefault("7d")
    Duration historyRetention();

    /** How often the history older than {@link #historyRetention()} is deleted. */
    @WithDefault("10m")
    Duration pruneInterval();

    /** How often WatchLeaseEvents looks for new events. */
    @WithDefault("250ms")
    Duration eventPollInterval();

    /** The stock-frps control plane (server-plugin hooks). */
    Frp frp();

    /** Group commit of AcquireLease and ReleaseLease (gRPC): many lease changes in one transaction. */
    Batch batch();

    interface Ports {
        @WithDefault("30000")
        int first();

        @WithDefault("30099")
        int last();
    }

    /** Allowed values: {@link RegistrySettings#BATCH}. */
    interface Batch {
        /** At most this many queued acquisitions and releases are committed together. */
        @WithDefault("64")
        int max();

        /** Threads (each with one database connection while it runs a batch) that run batches side by side. */
        @WithDefault("2")
        int workers();

        /** Lease changes that may wait for a worker; beyond it a call is answered UNAVAILABLE / OVERLOADED. */
        @WithDefault("10000")
        int queueMax();
    }

    interface Frp {
        /** The gateway id leases taken through frps are recorded under. */
        @WithDefault("frps")
        String gatewayId();

        /** Where frpc clients connect (frps bindAddr:bindPort), shown in the gateway list. */
        @WithDefault("127.0.0.1:7000")
        String agentEndpoint();

        /** The host builds reach frps's remote ports on. */
        @WithDefault("127.0.0.1")
        String proxyHost();

        /**
         * The secret path segment that authenticates frps (stock frps sends no credential header): the plugin
         * endpoint is {@code /frp/<path-secret>/handler}, over HTTPS outside one host. Unset: the endpoint is off.
         * At least 32 of {@code A-Za-z0-9_-} (e.g. {@code openssl rand -hex 32}); a secret, never logged.
         * Kept for one frps: it is the frps instance {@value FrpInstances#DEFAULT_ID}, recorded as gateway
         * {@link #gatewayId()}.
         */
        Optional<String> pathSecret();

        /**
         * More frps instances, each with its own path secret and its own port space
         * ({@code secureconnect.registry.frp.instances.<id>.path-secret}); recorded as gateway {@code frps-<id>}.
         */
        Map<String, Instance> instances();

        /** One frps: the path secret that names it and where its clients and builds reach it. */
        interface Instance {
            /** As {@link Frp#pathSecret()}; each instance's differs. */
            String pathSecret();

            /** Default: {@link Frp#agentEndpoint()}. */
            Optional<String> agentEndpoint();

            /** Default: {@link Frp#proxyHost()}. */
            Optional<String> proxyHost();
        }
    }
}
