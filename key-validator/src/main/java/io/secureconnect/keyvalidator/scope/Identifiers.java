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

    /** Same as matching {@link #PATTERN}, without a regex (it runs on every token validation). */
    public static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > 128) {
            return false;
        }
        char first = value.charAt(0);
        if (!(first == '_' || (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
            return false;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /** What a resource's identifier may be: an identifier, or a number (a tunnel is named by its port, "30001"). */
    public static final String RESOURCE_RULE = "must match " + PATTERN + " or be a number of 1 to 9 digits";

    /** An identifier, or 1 to 9 digits: how resources are named in resource groups and resource checks. */
    public static boolean isResourceIdentifier(String value) {
        if (isValid(value)) {
            return true;
        }
        if (value == null || value.isEmpty() || value.length() > 9) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The regex form, kept to cross-check {@link #isValid} in tests. */
    static boolean matchesPattern(String value) {
        return value != null && COMPILED.matcher(value).matches();
    }
}
