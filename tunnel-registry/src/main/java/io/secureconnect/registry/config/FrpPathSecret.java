package io.secureconnect.registry.config;

import io.secureconnect.common.startup.StartupProblem;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code secureconnect.registry.frp.path-secret}: what authenticates a stock frps, which sends no credential header,
 * to the frp plugin endpoint {@code /frp/<path-secret>/handler}: its form, checked at start-up (never shown).
 * {@link FrpInstances} maps each secret to its frps instance.
 */
public final class FrpPathSecret {

    public static final String SETTING = "secureconnect.registry.frp.path-secret";
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{32,128}");

    private FrpPathSecret() {
    }

    static Optional<StartupProblem> problem(String setting, Optional<String> secret) {
        if (secret.isPresent() && !FORM.matcher(secret.get()).matches()) {
            return Optional.of(new StartupProblem(setting, "<hidden, " + secret.get().length() + " characters>",
                    "must be 32 to 128 of A-Z a-z 0-9 _ - (e.g. openssl rand -hex 32), or unset to turn the frp "
                            + "plugin endpoint off"));
        }
        return Optional.empty();
    }
}
