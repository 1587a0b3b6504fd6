package io.secureconnect.policy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.common.startup.StartupProblem;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up checks of connector-policy's own settings, and the defaults they fall back to. */
class PolicySettingsTest {

    @TempDir
    Path directory;

    @Test
    void pinsTheDefaults() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(PolicyConfig.class)
                .withSources(new PropertiesConfigSource(Map.of(PolicyConfig.SIGNING_KEY_FILE, "/key.pem"), "test", 100))
                .build();
        PolicyConfig policy = config.getConfigMapping(PolicyConfig.class);
        assertEquals(Duration.ofHours(6), policy.credentialMaxLifetime());
        assertEquals(Duration.ofSeconds(2), policy.dependencyTimeout());
        assertEquals(Duration.ofSeconds(1), policy.tunnelRouteTtl());
        assertEquals("/key.pem", policy.credentialSigningKeyFile());
    }

    @Test
    void acceptsAReadableEd25519PrivateKeyAndTheDefaults() throws Exception {
        assertEquals(List.of(), PolicySettings.problems(settings(Map.of(PolicyConfig.SIGNING_KEY_FILE, key().toString()))));
    }

    @Test
    void refusesAMissingSigningKeySettingNamingIt() {
        StartupProblem problem = only(Map.of());
        assertEquals(PolicyConfig.SIGNING_KEY_FILE, problem.setting());
        assertTrue(problem.line().startsWith("startup refused: secureconnect.policy.credential-signing-key-file=: is not set"),
                problem.line());
    }

    @Test
    void refusesASigningKeyFileThatDoesNotExist() {
        StartupProblem problem = only(Map.of(PolicyConfig.SIGNING_KEY_FILE, directory.resolve("absent.pem").toString()));
        assertTrue(problem.line().endsWith(": no such file"), problem.line());
    }

    @Test
    void refusesAFileThatHoldsNoPrivateKeyWithoutPrintingIt() throws Exception {
        Path publicKey = Files.writeString(directory.resolve("public.pem"), Ed25519Keys.pem(Ed25519Keys.generate().getPublic()));
        StartupProblem problem = only(Map.of(PolicyConfig.SIGNING_KEY_FILE, publicKey.toString()));
        assertTrue(problem.reason().startsWith("not an Ed25519 private key"), problem.line());
        assertEquals(1, problem.line().split("\n").length);
    }

    @Test
    void refusesAZeroOrUnreadableMaximumLifetime() throws Exception {
        String key = key().toString();
        StartupProblem zero = only(Map.of(PolicyConfig.SIGNING_KEY_FILE, key, PolicyConfig.MAX_LIFETIME, "PT0S"));
        assertEquals(PolicyConfig.MAX_LIFETIME, zero.setting());
        StartupProblem words = only(Map.of(PolicyConfig.SIGNING_KEY_FILE, key, PolicyConfig.MAX_LIFETIME, "six hours"));
        assertTrue(words.reason().contains("must be a duration"), words.line());
        StartupProblem timeout = only(Map.of(PolicyConfig.SIGNING_KEY_FILE, key, PolicyConfig.DEPENDENCY_TIMEOUT, "10m"));
        assertEquals(PolicyConfig.DEPENDENCY_TIMEOUT, timeout.setting());
    }

    @Test
    void acceptsATunnelRouteTtlFromZeroToTwoSecondsAndRefusesOthersNamingTheSetting() throws Exception {
        String key = key().toString();
        for (String ok : List.of("0s", "PT0.5S", "PT2S")) {
            assertEquals(List.of(), PolicySettings.problems(settings(Map.of(PolicyConfig.SIGNING_KEY_FILE, key,
                    PolicyConfig.TUNNEL_ROUTE_TTL, ok))), ok);
        }
        StartupProblem tooLong = only(Map.of(PolicyConfig.SIGNING_KEY_FILE, key, PolicyConfig.TUNNEL_ROUTE_TTL, "PT3S"));
        assertEquals(PolicyConfig.TUNNEL_ROUTE_TTL, tooLong.setting());
        assertTrue(tooLong.reason().contains("from 0 (off) to PT2S"), tooLong.line());
        StartupProblem negative = only(Map.of(PolicyConfig.SIGNING_KEY_FILE, key, PolicyConfig.TUNNEL_ROUTE_TTL, "-PT1S"));
        assertEquals(PolicyConfig.TUNNEL_ROUTE_TTL, negative.setting());
        StartupProblem words = only(Map.of(PolicyConfig.SIGNING_KEY_FILE, key, PolicyConfig.TUNNEL_ROUTE_TTL, "a second"));
        assertTrue(words.reason().contains("must be a duration"), words.line());
    }

    @Test
    void failsTheSignerBeanWithTheSameOneLineWhenTheKeyIsUnreadable() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> PolicySettings.readSigningKey(directory.resolve("absent.pem").toString()));
        assertEquals("startup refused: " + PolicyConfig.SIGNING_KEY_FILE + "=" + directory.resolve("absent.pem")
                + ": no such file", failure.getMessage());
    }

    private StartupProblem only(Map<String, String> values) {
        List<StartupProblem> problems = PolicySettings.problems(settings(values));
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }

    private Path key() throws Exception {
        return Files.writeString(directory.resolve("key.pem"), Ed25519Keys.pem(Ed25519Keys.generate().getPrivate()));
    }

    /** The settings' sources, as main reads them before Quarkus starts. */
    private static SmallRyeConfigBuilder settings(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(new HashMap<>(values), "test", 500));
    }

    @Test
    void namesAValueQuarkusCouldNotReadAsItsType() throws Exception {
        String key = key().toString();
        assertEquals("startup refused: secureconnect.policy.credential-max-lifetime=six hours: must be a duration such"
                + " as PT6H, 6h or 90s", only(Map.of(PolicyConfig.SIGNING_KEY_FILE, key,
                        PolicyConfig.MAX_LIFETIME, "six hours")).line());
        assertEquals("startup refused: secureconnect.policy.oidc.enabled=maybe: must be true or false",
                only(Map.of(PolicyConfig.SIGNING_KEY_FILE, key, PolicyConfig.Oidc.ENABLED, "maybe")).line());
        assertEquals("startup refused: secureconnect.policy.oidc.enabled=yes: must be true or false",
                only(Map.of(PolicyConfig.SIGNING_KEY_FILE, key, PolicyConfig.Oidc.ENABLED, "yes")).line());
        assertEquals("startup refused: secureconnect.policy.credential-signing-key-file=: is not set; give the path"
                + " of an Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519 -out key.pem)",
                only(Map.of()).line());
    }
}
