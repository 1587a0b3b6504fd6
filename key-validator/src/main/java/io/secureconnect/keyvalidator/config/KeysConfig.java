package io.secureconnect.keyvalidator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Settings of key-validator ({@code secureconnect.keys.*}); {@code ConfigDefaultsTest} pins the defaults. */
@ConfigMapping(prefix = "secureconnect.keys")
public interface KeysConfig {

    /**
     * Server-side secret mixed into the stored hash of every token secret (HMAC-SHA-256 key). Required, at least
     * {@value io.secureconnect.keyvalidator.secret.PepperSetting#MIN_LENGTH} characters, the same on every
     * replica. Changing it invalidates every token.
     */
    Optional<String> pepper();

    /** How long a validated token (its hash and grants) stays in the in-process cache. */
    @WithDefault("30s")
    Duration cacheTtl();

    /** Upper bound of cached tokens per replica; beyond it lookups go to the database. */
    @WithDefault("100000")
    int cacheMaxEntries();

    /** How often each replica reads new revocation events and cache invalidations from the database. */
    @WithDefault("200ms")
    Duration revocationPollInterval();

    /**
     * When the last successful poll is older than this, the cache is not trusted and every validation reads the
     * database (and fails closed when it cannot).
     */
    @WithDefault("1s")
    Duration revocationMaxStaleness();

    /** How often tokens whose valid-to or rotation cut-off passed are announced as revocation events. */
    @WithDefault("1s")
    Duration expirySweepInterval();

    /** How often last-used times collected in memory are written, in one statement per batch. */
    @WithDefault("5s")
    Duration lastUsedFlushInterval();

    /** Token lifetime of an API key created without defaultTimeToExpireToken. */
    @WithDefault("30d")
    Duration defaultTokenLifetime();

    /**
     * How long a lease receipt (ValidateToken with lease_receipt, for a gateway) lets the gateway lease a port for
     * the key; never longer than the token's own validity. More than 0, at most 1h.
     */
    @WithDefault("60s")
    Duration leaseReceiptLifetime();

    Bootstrap bootstrap();

    RateLimit rateLimit();

    Store store();

    /** The first admin key, created when the database holds no API key at all. */
    interface Bootstrap {

        @WithDefault("true")
        boolean enabled();

        @WithDefault("default")
        String account();

        @WithDefault("90d")
        Duration tokenLifetime();

        /**
         * Where the bootstrap token goes instead of the log: a file created with mode 0600 (its directory must
         * exist), for a one-shot job that reads it (a Compose service, a Kubernetes Job). Unset: the log line.
         */
        Optional<String> tokenFile();
    }

    /**
     * Damping of repeated authentication failures (malformed or unknown tokens) per caller: per remote address
     * for REST, per peer (and forwarded client address) for gRPC.
     */
    interface RateLimit {

        @WithDefault("20")
        int maxFailures();

        @WithDefault("10s")
        Duration window();

        PerKey perKey();
    }

    /**
     * Failure budget of one token id ({@code secureconnect.keys.rate-limit.per-key.*}), whatever client sends it:
     * wrong secrets, revoked and expired uses of a token id that exists, counted together from every client. Over
     * it, further failing attempts are answered 429 / RESOURCE_EXHAUSTED (KEY_THROTTLED); the right secret is always
     * accepted. At most {@code max-entries} token ids are tracked per replica.
     */
    interface PerKey {

        /** 1 or more. */
        @WithDefault("50")
        int maxFailures();

        @WithDefault("60s")
        Duration window();

        /** 1 or more. */
        @WithDefault("100000")
        int maxEntries();
    }

    /**
     * Cache misses of gRPC ValidateToken: they wait in a FIFO queue in memory and {@code threads} threads read them
     * from the database, each taking up to {@code batch-max} queued misses into one query. Each thread holds one
     * JDBC connection while it reads, so {@code threads} must stay below the datasource's pool size.
     */
    interface Store {

        /** 1 to 64. */
        @WithDefault("2")
        int threads();

        /** 1 to 1000. */
        @WithDefault("64")
        int batchMax();

        /** Misses beyond this many waiting are refused at once (UNAVAILABLE, reason OVERLOADED). */
        @WithDefault("10000")
        int queueMax();
    }
}
