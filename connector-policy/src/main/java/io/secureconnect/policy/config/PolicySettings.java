package io.secureconnect.policy.config;

import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.common.startup.MappedSettings;
import io.secureconnect.common.startup.StartupProblem;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Start-up checks of connector-policy's settings ({@link PolicyConfig}), each answered in one line naming the
 * setting: the signing key must be a readable Ed25519 private key, the durations positive and sane. {@code main} runs
 * them before Quarkus starts ({@link #problems(SmallRyeConfigBuilder)}), {@link SettingsCheck} at start-up.
 */
public final class PolicySettings {

    static final Duration LONGEST_LIFETIME = Duration.ofDays(7);
    static final Duration LONGEST_TIMEOUT = Duration.ofMinutes(1);
    static final Duration LONGEST_ROUTE_TTL = Duration.ofSeconds(2);
    private static final String SIGNING_KEY_NOT_SET = "is not set; give the path of an Ed25519 private key in PKCS#8"
            + " PEM (openssl genpkey -algorithm ed25519 -out key.pem)";

    private PolicySettings() {
    }

    /** Problems with the settings {@code sources} give ({@code main}: {@link MappedSettings#asQuarkusReadsThem}). */
    public static List<StartupProblem> problems(SmallRyeConfigBuilder sources) {
        return MappedSettings.read(sources, PolicyConfig.class, PolicySettings::allowed)
                .then(PolicySettings::problems, problems -> problems);
    }

    /** Problems with the typed configuration. */
    public static List<StartupProblem> problems(PolicyConfig config) {
        List<StartupProblem> problems = new ArrayList<>();
        String keyFile = config.credentialSigningKeyFile();
        if (keyFile.isBlank()) {
            problems.add(new StartupProblem(PolicyConfig.SIGNING_KEY_FILE, "", SIGNING_KEY_NOT_SET));
        } else {
            loadSigningKey(keyFile).ifPresent(problems::add);
        }
        duration(PolicyConfig.MAX_LIFETIME, config.credentialMaxLifetime(), LONGEST_LIFETIME).ifPresent(problems::add);
        duration(PolicyConfig.DEPENDENCY_TIMEOUT, config.dependencyTimeout(), LONGEST_TIMEOUT).ifPresent(problems::add);
        routeTtl(config.tunnelRouteTtl()).ifPresent(problems::add);
        problems.addAll(OidcIssuerSettings.problems(config.oidc()));
        return problems;
    }

    /** What a setting takes, told when SmallRye cannot read it (not set, or not of its type). */
    static Optional<String> allowed(String setting) {
        return Optional.ofNullable(switch (setting) {
            case PolicyConfig.SIGNING_KEY_FILE -> SIGNING_KEY_NOT_SET;
            case PolicyConfig.MAX_LIFETIME, PolicyConfig.DEPENDENCY_TIMEOUT ->
                    "must be a duration such as PT6H, 6h or 90s";
            case PolicyConfig.TUNNEL_ROUTE_TTL -> "must be a duration such as PT1S, 1s or 500ms";
            default -> OidcIssuerSettings.allowed(setting).orElse(null);
        });
    }

    /** Reads the signing key; the problem names the setting and never prints the key. */
    public static PrivateKey readSigningKey(String file) {
        try {
            return Ed25519Keys.readPrivate(Path.of(file));
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException(loadSigningKey(file).map(StartupProblem::line)
                    .orElse("startup refused: " + PolicyConfig.SIGNING_KEY_FILE + "=" + file + ": unreadable"));
        }
    }

    private static Optional<StartupProblem> loadSigningKey(String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            return problem(PolicyConfig.SIGNING_KEY_FILE, file, "no such file");
        }
        if (!Files.isReadable(path)) {
            return problem(PolicyConfig.SIGNING_KEY_FILE, file, "not readable by this process");
        }
        try {
            Ed25519Keys.readPrivate(path);
            return Optional.empty();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return problem(PolicyConfig.SIGNING_KEY_FILE, file,
                    "not an Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519)");
        }
    }

    private static Optional<StartupProblem> duration(String name, Duration value, Duration longest) {
        if (value.isZero() || value.isNegative() || value.compareTo(longest) > 0) {
            return problem(name, value.toString(), "must be more than 0 and at most " + longest);
        }
        return Optional.empty();
    }

    /** 0 turns the reuse off; more than 2 s would let builds be routed to a tunnel gone for longer. */
    private static Optional<StartupProblem> routeTtl(Duration value) {
        if (value.isNegative() || value.compareTo(LONGEST_ROUTE_TTL) > 0) {
            return problem(PolicyConfig.TUNNEL_ROUTE_TTL, value.toString(), "must be from 0 (off) to "
                    + LONGEST_ROUTE_TTL);
        }
        return Optional.empty();
    }

    private static Optional<StartupProblem> problem(String setting, String value, String reason) {
        return Optional.of(new StartupProblem(setting, value, reason));
    }
}
