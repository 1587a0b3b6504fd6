package io.secureconnect.common.oidc;

import io.quarkus.runtime.StartupEvent;
import io.secureconnect.common.oidc.grpc.GrpcAuthSettings;
import io.secureconnect.common.startup.StartupProblem;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start with OIDC settings that would accept too much or nothing at all: an enabled provider without
 * {@code quarkus.oidc.token.audience} (tokens issued for any other client would pass), or gRPC auth required
 * without a provider (every call would be refused).
 */
@Singleton
public class OidcStartupCheck {

    @ConfigProperty(name = "quarkus.oidc.token.audience")
    Optional<List<String>> audience;

    void check(@Observes StartupEvent event, BearerTokenVerifier verifier, GrpcAuthSettings grpc) {
        problem(verifier.enabled(), audience.isPresent() && !audience.get().isEmpty(), grpc.required())
                .ifPresent(problem -> {
                    throw new IllegalStateException(problem.line());
                });
    }

    static Optional<StartupProblem> problem(boolean oidcEnabled, boolean audienceSet, boolean grpcAuthRequired) {
        if (grpcAuthRequired && !oidcEnabled) {
            return Optional.of(new StartupProblem("secureconnect.grpc.auth.required", "true",
                    "needs an OIDC provider: set quarkus.oidc.tenant-enabled=true and quarkus.oidc.auth-server-url"));
        }
        if (oidcEnabled && !audienceSet) {
            return Optional.of(new StartupProblem("quarkus.oidc.token.audience", "",
                    "must name this service's client id (e.g. key-validator) when OIDC is enabled, so that tokens "
                            + "issued for other clients are refused"));
        }
        return Optional.empty();
    }
}
