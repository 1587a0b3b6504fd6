package io.secureconnect.common.oidc.client;

import io.quarkus.runtime.StartupEvent;
import io.secureconnect.common.startup.StartupProblem;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start with service-token settings that could only fail later, call by call: turned on without the
 * realm's URL or the client secret, or a client id this process does not use.
 */
@Singleton
public class ServiceTokenStartupCheck {

    @ConfigProperty(name = "quarkus.oidc-client.client-id")
    Optional<String> effectiveClientId;

    void check(@Observes StartupEvent event, ServiceTokenSettings settings) {
        problem(settings, effectiveClientId).ifPresent(problem -> {
            throw new IllegalStateException(problem.line());
        });
    }

    static Optional<StartupProblem> problem(ServiceTokenSettings settings, Optional<String> effectiveClientId) {
        if (settings.clientId().isPresent() && !settings.clientId().equals(effectiveClientId)) {
            return Optional.of(new StartupProblem(ServiceTokenSettings.PREFIX + "client-id", settings.clientId().get(),
                    "this process's Keycloak client is fixed (" + effectiveClientId.orElse("none: it makes no gRPC "
                            + "calls") + "); only a gateway chooses its own"));
        }
        if (!settings.enabled()) {
            return Optional.empty();
        }
        if (blank(settings.authServerUrl())) {
            return Optional.of(new StartupProblem(ServiceTokenSettings.PREFIX + "auth-server-url", "",
                    "is required when " + ServiceTokenSettings.PREFIX + "enabled=true: the realm's URL, e.g. "
                            + "https://keycloak.example.com/realms/secureconnect"));
        }
        if (blank(settings.clientSecret())) {
            // Never print the value: it is a secret (and blank here anyway).
            return Optional.of(new StartupProblem(ServiceTokenSettings.PREFIX + "client-secret", "",
                    "is required when " + ServiceTokenSettings.PREFIX + "enabled=true: the secret of this process's "
                            + "Keycloak client (" + effectiveClientId.orElse("?") + "), from a secret store"));
        }
        return Optional.empty();
    }

    private static boolean blank(Optional<String> value) {
        return value.isEmpty() || value.get().isBlank();
    }
}
