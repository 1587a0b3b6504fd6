package io.secureconnect.common.oidc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.common.startup.StartupProblem;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceTokenStartupCheckTest {

    private static final String URL = "https://keycloak.example.com/realms/secureconnect";
    private static final Optional<String> REGISTRY = Optional.of("tunnel-registry");

    @Test
    void startsWithServiceTokensOff() {
        assertTrue(ServiceTokenStartupCheck.problem(settings(false, null, null, null), REGISTRY).isEmpty());
    }

    @Test
    void startsWithTheRealmAndTheSecret() {
        assertTrue(ServiceTokenStartupCheck.problem(settings(true, URL, "s3cret", null), REGISTRY).isEmpty());
    }

    @Test
    void refusesServiceTokensWithoutTheRealmsUrl() {
        assertEquals("secureconnect.service-token.auth-server-url",
                ServiceTokenStartupCheck.problem(settings(true, null, "s3cret", null), REGISTRY).orElseThrow()
                        .setting());
    }

    @Test
    void refusesServiceTokensWithoutTheClientSecretAndNeverPrintsOne() {
        StartupProblem problem = ServiceTokenStartupCheck.problem(settings(true, URL, " ", null), REGISTRY)
                .orElseThrow();
        assertEquals("secureconnect.service-token.client-secret", problem.setting());
        assertEquals("", problem.value());
    }

    @Test
    void refusesAClientIdThisProcessDoesNotUse() {
        StartupProblem problem = ServiceTokenStartupCheck.problem(settings(true, URL, "s3cret", "gateway-2"), REGISTRY)
                .orElseThrow();
        assertEquals("secureconnect.service-token.client-id", problem.setting());
        assertTrue(problem.reason().contains("tunnel-registry"), problem.reason());
    }

    @Test
    void startsAGatewayWithItsOwnClientId() {
        // The gateway maps quarkus.oidc-client.client-id from secureconnect.service-token.client-id.
        assertTrue(ServiceTokenStartupCheck.problem(settings(true, URL, "s3cret", "gateway-2"),
                Optional.of("gateway-2")).isEmpty());
    }

    @Test
    void defaultsAreOffRefreshingThirtySecondsEarlyWithNoSecret() throws NoSuchMethodException {
        assertEquals("30s", ServiceTokenSettings.class.getMethod("refreshBefore")
                .getAnnotation(io.smallrye.config.WithDefault.class).value());
        assertEquals("false", ServiceTokenSettings.class.getMethod("enabled")
                .getAnnotation(io.smallrye.config.WithDefault.class).value());
        assertFalse(ServiceTokenSettings.class.getMethod("clientSecret").isAnnotationPresent(
                io.smallrye.config.WithDefault.class), "no default secret");
    }

    private static ServiceTokenSettings settings(boolean enabled, String url, String secret, String clientId) {
        return new ServiceTokenSettings() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public Optional<String> authServerUrl() {
                return Optional.ofNullable(url);
            }

            @Override
            public Optional<String> clientSecret() {
                return Optional.ofNullable(secret);
            }

            @Override
            public Optional<String> clientId() {
                return Optional.ofNullable(clientId);
            }

            @Override
            public Duration refreshBefore() {
                return Duration.ofSeconds(30);
            }
        };
    }
}
