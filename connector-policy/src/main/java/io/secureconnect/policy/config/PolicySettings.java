package io.secureconnect.policy.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.common.startup.StartupProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * Start-up checks of connector-policy's settings, each answered in one line naming the setting: the signing
 * key must be a readable Ed25519 private key, the durations positive and sane.
 */
public final class PolicySettings {

    static final Duration LONGEST_LIFETIME = Duration.ofDays(7);
    static final Duration LONGEST_TIMEOUT = Duration.ofMinutes(1);
    static final Duration LONGEST_ROUTE_TTL = Duration.ofSeconds(2);

    private PolicySettings() {
    }

    public static List<StartupProblem> problems(Function<String, Optional<String>> settings) {
        List<StartupProblem> problems = new ArrayList<>();
        Optional<String> keyFile = settings.apply(PolicyConfig.SIGNING_KEY_FILE).filter(value -> !value.isBlank());
        if (keyFile.isEmpty()) {
            problems.add(new StartupProblem(PolicyConfig.SIGNING_KEY_FILE, "",
                    "is not set; give the path of an Ed25519 private key in PKCS#8 PEM "
                            + "(openssl genpkey -algorithm ed25519 -out key.pem)"));
        } else {
            loadSigningKey(keyFile.get()).ifPresent(problems::add);
        }
        duration(settings, PolicyConfig.MAX_LIFETIME, "PT6H", LONGEST_LIFETIME).ifPresent(problems::add);
        duration(settings, PolicyConfig.DEPENDENCY_TIMEOUT, "PT2S", LONGEST_TIMEOUT).ifPresent(problems::add);
        routeTtl(settings).ifPresent(problems::add);
        problems.addAll(OidcIssuerSettings.problems(settings));
        return problems;
    }

    public static List<StartupProblem> problems(Config config) {
        return problems(name -> config.getOptionalValue(name, String.class));
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

    private static Optional<StartupProblem> duration(Function<String, Optional<String>> settings, String name,
            String fallback, Duration longest) {
        String value = settings.apply(name).orElse(fallback);
        Duration duration;
        try {
            duration = DurationConverter.parseDuration(value.trim());
        } catch (RuntimeException e) {
            return problem(name, value, "must be a duration such as PT6H, 6h or 90s");
        }
        if (duration == null || duration.isZero() || duration.isNegative() || duration.compareTo(longest) > 0) {
            return problem(name, value, "must be more than 0 and at most " + longest);
        }
        return Optional.empty();
    }

    /** 0 turns the reuse off; more than 2 s would let builds be routed to a tunnel gone for longer. */
    private static Optional<StartupProblem> routeTtl(Function<String, Optional<String>> settings) {
        String value = settings.apply(PolicyConfig.TUNNEL_ROUTE_TTL).orElse("PT1S");
        Duration duration;
        try {
            duration = DurationConverter.parseDuration(value.trim());
        } catch (RuntimeException e) {
            return problem(PolicyConfig.TUNNEL_ROUTE_TTL, value, "must be a duration such as PT1S, 1s or 500ms");
        }
        if (duration == null || duration.isNegative() || duration.compareTo(LONGEST_ROUTE_TTL) > 0) {
            return problem(PolicyConfig.TUNNEL_ROUTE_TTL, value, "must be from 0 (off) to " + LONGEST_ROUTE_TTL);
        }
        return Optional.empty();
    }

    private static Optional<StartupProblem> problem(String setting, String value, String reason) {
        return Optional.of(new StartupProblem(setting, value, reason));
    }
}
