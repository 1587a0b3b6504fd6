package io.secureconnect.policy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * connector-policy's own settings and their defaults, stated here only; {@link PolicySettings} checks them at
 * start-up.
 */
@ConfigMapping(prefix = "secureconnect.policy")
public interface PolicyConfig {

    String SIGNING_KEY_FILE = "secureconnect.policy.credential-signing-key-file";
    String MAX_LIFETIME = "secureconnect.policy.credential-max-lifetime";
    String DEPENDENCY_TIMEOUT = "secureconnect.policy.dependency-timeout";
    String TUNNEL_ROUTE_TTL = "secureconnect.policy.tunnel-route-ttl";

    /** The Ed25519 private key (PKCS#8 PEM, {@code openssl genpkey -algorithm ed25519}) that signs build credentials. */
    String credentialSigningKeyFile();

    /** The longest a build credential lives, whatever the build's deadline. */
    @WithDefault("PT6H")
    Duration credentialMaxLifetime();

    /** How long a call to key-validator or tunnel-registry may take before we fail closed. */
    @WithDefault("PT2S")
    Duration dependencyTimeout();

    /**
     * How long ResolveBuildNetwork reuses tunnel-registry's answer that an account's tunnel serves (0 = ask every
     * time, at most PT2S): the bound on how late a disconnected tunnel is reported disconnected.
     */
    @WithDefault("PT1S")
    Duration tunnelRouteTtl();

    /** The OIDC issuer for cloud connectors (AWS / GCP workload identity federation). */
    Oidc oidc();

    interface Oidc {

        String ENABLED = "secureconnect.policy.oidc.enabled";
        String PUBLIC_BASE_URL = "secureconnect.policy.oidc.public-base-url";
        String KEY_ENCRYPTION_KEY = "secureconnect.policy.oidc.key-encryption-key";
        String ROTATION_PERIOD = "secureconnect.policy.oidc.rotation-period";
        String TOKEN_LIFETIME = "secureconnect.policy.oidc.token-lifetime";
        String PUBLISH_MARGIN = "secureconnect.policy.oidc.publish-margin";

        /** Off: no discovery, no JWKS, and a build using a connector with OIDC set is refused. */
        @WithDefault("false")
        @WithConverter(TrueOrFalse.class)
        boolean enabled();

        /** The https URL clouds reach this service at; issuers are {@code <it>/oidc/account/<accountId>}. */
        Optional<String> publicBaseUrl();

        /** Base64 of 32 random bytes: the AES-256-GCM key that seals the signing keys in the database. A secret. */
        Optional<String> keyEncryptionKey();

        /** A new signing key is made when the active one is older than this. */
        @WithDefault("P30D")
        Duration rotationPeriod();

        /** The longest an ID token lives (at most 1 hour, and never past the build's deadline). */
        @WithDefault("PT1H")
        Duration tokenLifetime();

        /** A retired key stays published for token-lifetime plus this, for clock skew and JWKS caches. */
        @WithDefault("PT10M")
        Duration publishMargin();
    }
}
