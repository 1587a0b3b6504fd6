package io.secureconnect.common.input;

import io.secureconnect.common.problem.ProblemException;

/**
 * The one identifier rule of every service, for accounts, orgs, projects and the identifiers of what they hold
 * (API keys, tokens, role bindings, connectors): a letter or '_', then up to 127 letters, digits or '_' (ASCII
 * only, {@link #PATTERN}). Anything else, a NUL or another control character, a '-', a space, a non-ASCII
 * letter, is refused with a 400 naming the field before it reaches a query.
 */
public final class Identifiers {

    public static final String PATTERN = "^[a-zA-Z_][0-9a-zA-Z_]{0,127}$";
    public static final int MAX_LENGTH = 128;
    /** The rule as a field error says it. */
    public static final String RULE = "must match " + PATTERN + " (a letter or _, then up to 127 letters, digits or _)";

    private Identifiers() {
    }

    /** Same as matching {@link #PATTERN}, without a regex (it runs on every token validation). */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        char first = value.charAt(0);
        if (!(first == '_' || isLetter(first))) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c == '_' || isLetter(c) || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** The value when it is a valid identifier, else a 400 naming the field ("is required" when absent). */
    public static String require(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw ProblemException.invalidField(field, "is required");
        }
        if (!isValid(value)) {
            throw ProblemException.invalidField(field, RULE);
        }
        return value;
    }

    /** How an identifier from a path may be echoed in an error: itself when valid, else a placeholder. */
    public static String shown(String value) {
        return isValid(value) ? value : "<invalid identifier>";
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
