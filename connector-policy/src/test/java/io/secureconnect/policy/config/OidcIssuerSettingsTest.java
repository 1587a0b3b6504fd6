package io.secureconnect.policy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.common.startup.MappedSettings;
import io.secureconnect.common.startup.StartupProblem;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up checks of the OIDC issuer: only when enabled, each problem names its setting, the KEK is never printed. */
class OidcIssuerSettingsTest {

    static final String KEK = Base64.getEncoder().encodeToString(new byte[32]);
    static final Map<String, String> GOOD = Map.of(PolicyConfig.Oidc.ENABLED, "true",
            PolicyConfig.Oidc.PUBLIC_BASE_URL, "https://policy.secureconnect.example.com",
            PolicyConfig.Oidc.KEY_ENCRYPTION_KEY, KEK);

    @Test
    void pinsTheDefaults() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(PolicyConfig.class)
                .withSources(new PropertiesConfigSource(Map.of(PolicyConfig.SIGNING_KEY_FILE, "/key.pem"), "test", 100))
                .build();
        PolicyConfig.Oidc oidc = config.getConfigMapping(PolicyConfig.class).oidc();
        assertFalse(oidc.enabled());
        assertEquals(Duration.ofDays(30), oidc.rotationPeriod());
        assertEquals(Duration.ofHours(1), oidc.tokenLifetime());
        assertEquals(Duration.ofMinutes(10), oidc.publishMargin());
        assertTrue(oidc.keyEncryptionKey().isEmpty());
    }

    @Test
    void asksForNothingWhileTheIssuerIsOff() {
        assertEquals(List.of(), problems(Map.of()));
    }

    @Test
    void acceptsAnHttpsBaseUrlAndA32ByteKey() {
        assertEquals(List.of(), problems(GOOD));
    }

    @Test
    void requiresTheKeyEncryptionKeyWhenEnabled() {
        StartupProblem problem = only(with(PolicyConfig.Oidc.KEY_ENCRYPTION_KEY, null));
        assertEquals(PolicyConfig.Oidc.KEY_ENCRYPTION_KEY, problem.setting());
        assertTrue(problem.reason().contains("openssl rand -base64 32"), problem.line());
    }

    @Test
    void refusesAKeyOfTheWrongSizeWithoutPrintingIt() {
        String sixteen = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes());
        StartupProblem problem = only(with(PolicyConfig.Oidc.KEY_ENCRYPTION_KEY, sixteen));
        assertEquals("<hidden>", problem.value());
        assertFalse(problem.line().contains(sixteen), problem.line());
        StartupProblem notBase64 = only(with(PolicyConfig.Oidc.KEY_ENCRYPTION_KEY, "not base64 at all!"));
        assertFalse(notBase64.line().contains("not base64 at all!"), notBase64.line());
    }

    @Test
    void refusesAMissingOrPlainHttpBaseUrl() {
        assertEquals(PolicyConfig.Oidc.PUBLIC_BASE_URL, only(with(PolicyConfig.Oidc.PUBLIC_BASE_URL, null)).setting());
        StartupProblem http = only(with(PolicyConfig.Oidc.PUBLIC_BASE_URL, "http://policy.example.com"));
        assertTrue(http.reason().contains("https"), http.line());
    }

    @Test
    void refusesATokenLifetimeOverOneHour() {
        StartupProblem problem = only(with(PolicyConfig.Oidc.TOKEN_LIFETIME, "PT2H"));
        assertEquals(PolicyConfig.Oidc.TOKEN_LIFETIME, problem.setting());
        assertTrue(problem.reason().contains("at most PT1H"), problem.line());
        assertEquals(PolicyConfig.Oidc.ROTATION_PERIOD, only(with(PolicyConfig.Oidc.ROTATION_PERIOD, "soon")).setting());
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> changed = new HashMap<>(GOOD);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return changed;
    }

    private static StartupProblem only(Map<String, String> values) {
        List<StartupProblem> problems = problems(values);
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    /** The issuer's problems with the settings {@code values} give, read as main reads them before Quarkus starts. */
    private static List<StartupProblem> problems(Map<String, String> values) {
        Map<String, String> settings = new HashMap<>(values);
        settings.putIfAbsent(PolicyConfig.SIGNING_KEY_FILE, "/key.pem"); // required by the mapping; not checked here
        SmallRyeConfigBuilder sources = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(settings, "test", 500));
        return MappedSettings.read(sources, PolicyConfig.class, PolicySettings::allowed)
                .then(config -> OidcIssuerSettings.problems(config.oidc()), problems -> problems);
    }
}
