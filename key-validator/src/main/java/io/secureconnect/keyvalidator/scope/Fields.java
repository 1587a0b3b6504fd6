package io.secureconnect.keyvalidator.scope;

import io.secureconnect.common.input.Text;
import io.secureconnect.common.problem.ProblemException;
import java.util.Map;

/** Checks of request fields shared by the REST resources; each failure is a 400 naming the field. */
public final class Fields {

    public static final int MAX_NAME = 128;
    public static final int MAX_DESCRIPTION = 1024;
    public static final int MAX_TAGS = 50;

    private Fields() {
    }

    public static String identifier(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw ProblemException.invalidField(field, "is required");
        }
        if (!Identifiers.isValid(value)) {
            throw ProblemException.invalidField(field, Identifiers.RULE);
        }
        return value;
    }

    public static String name(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.invalidField(field, "is required");
        }
        if (value.length() > MAX_NAME) {
            throw ProblemException.invalidField(field, "must be at most " + MAX_NAME + " characters");
        }
        return Text.line(field, value);
    }

    public static String description(String field, String value) {
        if (value == null) {
            return "";
        }
        if (value.length() > MAX_DESCRIPTION) {
            throw ProblemException.invalidField(field, "must be at most " + MAX_DESCRIPTION + " characters");
        }
        return Text.multiLine(field, value);
    }

    public static Map<String, String> tags(String field, Map<String, String> tags) {
        if (tags == null) {
            return Map.of();
        }
        if (tags.size() > MAX_TAGS) {
            throw ProblemException.invalidField(field, "must hold at most " + MAX_TAGS + " tags");
        }
        tags.forEach((key, value) -> {
            if (key == null || key.isBlank() || key.length() > MAX_NAME) {
                throw ProblemException.invalidField(field, "tag names must be 1 to " + MAX_NAME + " characters");
            }
            Text.line(field, key);
            if (value == null || value.length() > MAX_NAME) {
                throw ProblemException.invalidField(field + "." + key, "must be a text of at most " + MAX_NAME
                        + " characters");
            }
            Text.line(field + "." + key, value);
        });
        return Map.copyOf(tags);
    }

    public static <T> T required(String field, T value) {
        if (value == null) {
            throw ProblemException.invalidField(field, "is required");
        }
        return value;
    }
}
