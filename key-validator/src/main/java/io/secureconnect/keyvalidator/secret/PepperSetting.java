package io.secureconnect.keyvalidator.secret;

import java.util.Optional;

/** The rules for {@code secureconnect.keys.pepper}; the value itself is never shown. */
public final class PepperSetting {

    public static final String NAME = "secureconnect.keys.pepper";
    public static final int MIN_LENGTH = 32;

    private PepperSetting() {
    }

    /** Why the pepper cannot be used, or empty when it can. */
    public static Optional<String> problem(Optional<String> pepper) {
        if (pepper.isEmpty() || pepper.get().isBlank()) {
            return Optional.of("startup refused: " + NAME + " is not set; give at least " + MIN_LENGTH
                    + " characters, the same on every replica (env SECURECONNECT_KEYS_PEPPER)");
        }
        if (pepper.get().length() < MIN_LENGTH) {
            return Optional.of("startup refused: " + NAME + "=<hidden, " + pepper.get().length()
                    + " characters>: must be at least " + MIN_LENGTH + " characters");
        }
        return Optional.empty();
    }
}
