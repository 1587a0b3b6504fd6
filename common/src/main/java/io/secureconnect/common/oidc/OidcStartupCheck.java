package io.secureconnect.common.oidc;

import io.quarkus.runtime.StartupEvent;
import io.secureconnect.common.startup.StartupProblem;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start with OIDC settings that would accept too much: an enabled provider without
 * {@code quarkus.oidc.token.audience} (tokens issued for any other client would pass).
 */
@Singleton
public class OidcStartupCheck {

    @ConfigProperty(name = "quarkus.oidc.token.audience")
    Optional<List<String>> audience;

    void check(@Observes StartupEvent event, BearerTokenVerifier verifier) {
        problem(verifier.enabled(), audience.isPresent() && !audience.get().isEmpty()).ifPresent(problem -> {
            throw new IllegalStateException(problem.line());
        });
    }

    static Optional<StartupProblem> problem(boolean oidcEnabled, boolean audienceSet) {
        if (oidcEnabled && !audienceSet) {
            return Optional.of(new StartupProblem("quarkus.oidc.token.audience", "",
                    "must name this service's client id (e.g. key-validator) when OIDC is enabled, so that tokens "
                            + "issued for other clients are refused"));
        }
        return Optional.empty();
    }
}
