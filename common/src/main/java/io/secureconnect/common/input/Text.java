package io.secureconnect.common.input;

import io.secureconnect.common.problem.ProblemException;

/**
 * Free text a person gives (names, descriptions, tags, filters): refused with a 400 naming the field when it holds
 * what no text of ours needs and what PostgreSQL or a log reader trips over: a NUL or another control character
 * (tab, line feed and carriage return are allowed only in multi-line text), or a lone UTF-16 surrogate (a string
 * that is not valid Unicode).
 */
public final class Text {

    private Text() {
    }

    /** One-line text (a name, a tag, a filter): no control character at all. */
    public static String line(String field, String value) {
        return check(field, value, false);
    }

    /** Multi-line text (a description): tab, line feed and carriage return allowed, no other control character. */
    public static String multiLine(String field, String value) {
        return check(field, value, true);
    }

    /** Why the text is refused, or null when it is clean. */
    public static String problem(String value, boolean multiLine) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && !(multiLine && (c == '\t' || c == '\n' || c == '\r'))) {
                return c == 0 ? "must not hold a NUL character" : "must not hold control characters";
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must be valid Unicode (it holds a lone surrogate)";
            }
        }
        return null;
    }

    private static String check(String field, String value, boolean multiLine) {
        String problem = problem(value, multiLine);
        if (problem != null) {
            throw ProblemException.invalidField(field, problem);
        }
        return value;
    }
}
