package io.secureconnect.policy.config;

import io.secureconnect.common.startup.StartupProblem;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

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

    static List<StartupProblem> problems(PolicyConfig.Oidc oidc) {
        List<StartupProblem> problems = new ArrayList<>();
        if (!oidc.enabled()) {
            return problems;
        }
        baseUrl(oidc.publicBaseUrl().orElse("")).ifPresent(problems::add);
        keyEncryptionKey(oidc.keyEncryptionKey()).ifPresent(problems::add);
        duration(PolicyConfig.Oidc.ROTATION_PERIOD, oidc.rotationPeriod(), LONGEST_ROTATION).ifPresent(problems::add);
        duration(PolicyConfig.Oidc.TOKEN_LIFETIME, oidc.tokenLifetime(), LONGEST_TOKEN).ifPresent(problems::add);
        duration(PolicyConfig.Oidc.PUBLISH_MARGIN, oidc.publishMargin(), LONGEST_MARGIN).ifPresent(problems::add);
        return problems;
    }

    /** What a setting of the issuer takes, told when SmallRye cannot read it. */
    static Optional<String> allowed(String setting) {
        return Optional.ofNullable(switch (setting) {
            case PolicyConfig.Oidc.ENABLED -> "must be true or false";
            case PolicyConfig.Oidc.ROTATION_PERIOD, PolicyConfig.Oidc.TOKEN_LIFETIME,
                    PolicyConfig.Oidc.PUBLISH_MARGIN -> "must be a duration such as PT1H, 30d or 600s";
            default -> null;
        });
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

    private static Optional<StartupProblem> duration(String name, Duration value, Duration longest) {
        if (value.isZero() || value.isNegative() || value.compareTo(longest) > 0) {
            return Optional.of(new StartupProblem(name, value.toString(),
                    "must be more than 0 and at most " + longest));
        }
        return Optional.empty();
    }
}
