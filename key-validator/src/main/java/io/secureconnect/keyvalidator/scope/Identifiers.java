package io.secureconnect.keyvalidator.scope;

import java.util.regex.Pattern;

/** Harness identifiers: a letter or underscore, then up to 127 letters, digits or underscores. */
public final class Identifiers {

    public static final String PATTERN = "^[a-zA-Z_][0-9a-zA-Z_]{0,127}$";
    private static final Pattern COMPILED = Pattern.compile(PATTERN);
    public static final String RULE = "must match " + PATTERN;

    private Identifiers() {
    }

    /** How a path identifier may be echoed in an error: itself when valid, else a placeholder (never raw input). */
    public static String shown(String value) {
        return isValid(value) ? value : "<invalid identifier>";
    }

    public static boolean isValid(String value) {
        return value != null && COMPILED.matcher(value).matches();
    }
}
