package io.secureconnect.policy.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.secureconnect.common.startup.StartupProblem;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Start-up checks of the OIDC issuer's settings, only when it is enabled: an https public base URL, a
 * key-encryption key of 32 bytes in base64 (never printed), and sane durations (token lifetime at most 1 hour).
 */
final class OidcIssuerSettings {

    static final Duration LONGEST_TOKEN = Duration.ofHours(1);
    static final Duration LONGEST_ROTATION = Duration.ofDays(365);
    static final Duration LONGEST_MARGIN = Duration.ofDays(1);
    static final String HIDDEN = "<hidden>";

    private OidcIssuerSettings() {
    }

    static List<StartupProblem> problems(Function<String, Optional<String>> settings) {
        List<StartupProblem> problems = new ArrayList<>();
        String enabled = settings.apply(PolicyConfig.Oidc.ENABLED).orElse("false").trim();
        if (!enabled.equals("true") && !enabled.equals("false")) {
            problems.add(new StartupProblem(PolicyConfig.Oidc.ENABLED, enabled, "must be true or false"));
            return problems;
        }
        if (enabled.equals("false")) {
            return problems;
        }
        baseUrl(settings.apply(PolicyConfig.Oidc.PUBLIC_BASE_URL).orElse("")).ifPresent(problems::add);
        keyEncryptionKey(settings.apply(PolicyConfig.Oidc.KEY_ENCRYPTION_KEY)).ifPresent(problems::add);
        duration(settings, PolicyConfig.Oidc.ROTATION_PERIOD, "P30D", LONGEST_ROTATION).ifPresent(problems::add);
        duration(settings, PolicyConfig.Oidc.TOKEN_LIFETIME, "PT1H", LONGEST_TOKEN).ifPresent(problems::add);
        duration(settings, PolicyConfig.Oidc.PUBLISH_MARGIN, "PT10M", LONGEST_MARGIN).ifPresent(problems::add);
        return problems;
    }

    private static Optional<StartupProblem> baseUrl(String value) {
        String name = PolicyConfig.Oidc.PUBLIC_BASE_URL;
        if (value.isBlank()) {
            return Optional.of(new StartupProblem(name, "", "is required when the OIDC issuer is enabled; the https URL "
                    + "AWS and GCP reach this service at, e.g. https://policy.secureconnect.example.com"));
        }
        try {
            URI uri = new URI(value.trim());
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getQuery() != null
                    || uri.getFragment() != null || uri.getUserInfo() != null) {
                return Optional.of(new StartupProblem(name, value, "must be an https URL with a host and no user, "
                        + "query or fragment (clouds accept only https issuers)"));
            }
            return Optional.empty();
        } catch (java.net.URISyntaxException e) {
            return Optional.of(new StartupProblem(name, value, "is not a URL"));
        }
    }

    private static Optional<StartupProblem> keyEncryptionKey(Optional<String> value) {
        String name = PolicyConfig.Oidc.KEY_ENCRYPTION_KEY;
        if (value.isEmpty() || value.get().isBlank()) {
            return Optional.of(new StartupProblem(name, "", "is required when the OIDC issuer is enabled; give 32 "
                    + "random bytes in base64 (openssl rand -base64 32)"));
        }
        try {
            if (Base64.getDecoder().decode(value.get().trim()).length == 32) {
                return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            // answered below, without the value: it is a secret
        }
        return Optional.of(new StartupProblem(name, HIDDEN, "must be 32 bytes in base64 (openssl rand -base64 32)"));
    }

    private static Optional<StartupProblem> duration(Function<String, Optional<String>> settings, String name,
            String fallback, Duration longest) {
        String value = settings.apply(name).orElse(fallback);
        try {
            Duration duration = DurationConverter.parseDuration(value.trim());
            if (duration != null && !duration.isZero() && !duration.isNegative() && duration.compareTo(longest) <= 0) {
                return Optional.empty();
            }
        } catch (RuntimeException e) {
            return Optional.of(new StartupProblem(name, value, "must be a duration such as PT1H, 30d or 600s"));
        }
        return Optional.of(new StartupProblem(name, value, "must be more than 0 and at most " + longest));
    }
}
