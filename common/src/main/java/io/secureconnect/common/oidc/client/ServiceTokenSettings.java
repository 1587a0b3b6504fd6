package io.secureconnect.common.oidc.client;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * This process's own OIDC client-credentials token on its gRPC calls (prefix {@code secureconnect.service-token},
 * environment {@code SECURECONNECT_SERVICE_TOKEN_*}; deploy/keycloak/README.md). Each service's
 * application.properties maps these onto {@code quarkus.oidc-client.*} and names its own Keycloak client. They are
 * names of our own on purpose: SmallRye Config reads the environment variables of {@code quarkus.oidc-client.*} as
 * {@code quarkus.oidc.client.*} too, a second OIDC tenant named "client" (a secret and no client id) that stops the
 * process from starting.
 */
@ConfigMapping(prefix = "secureconnect.service-token")
public interface ServiceTokenSettings {

    String PREFIX = "secureconnect.service-token.";

    /** Whether the calls carry a token at all. */
    @WithDefault("false")
    boolean enabled();

    /** The realm's URL, e.g. {@code https://keycloak.example.com/realms/secureconnect}; required when enabled. */
    Optional<String> authServerUrl();

    /** The secret of this process's Keycloak client (the OIDC client credential itself); required when enabled. */
    Optional<String> clientSecret();

    /**
     * The Keycloak client, where a process may choose it: only a gateway (each gateway its own client, whose token
     * names its gateway id; default {@code gateway}). A service's client is fixed by its application.properties.
     */
    Optional<String> clientId();

    /** How long before it expires the token is fetched again. */
    @WithDefault("30s")
    Duration refreshBefore();
}
