package io.secureconnect.registry.frp;

import com.fasterxml.jackson.databind.JsonNode;
import io.secureconnect.common.input.Text;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to an frp plugin body, with a reject naming the field for every missing or wrongly typed one
 * (frp omits empty fields, so optional ones may be absent; a present one must have frp's type).
 */
final class FrpFields {

    private FrpFields() {
    }

    static JsonNode object(JsonNode parent, String path, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            throw new FrpReject(path + name + " is missing");
        }
        if (!node.isObject()) {
            throw new FrpReject(path + name + " must be an object, not " + kind(node));
        }
        return node;
    }

    static String requiredString(JsonNode parent, String path, String name) {
        String value = optionalString(parent, path, name).orElse("");
        if (value.isEmpty()) {
            throw new FrpReject(path + name + " is missing");
        }
        return value;
    }

    static Optional<String> optionalString(JsonNode parent, String path, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw new FrpReject(path + name + " must be a string, not " + kind(node));
        }
        if (node.textValue().length() > 4096) {
            throw new FrpReject(path + name + " is longer than 4096 characters");
        }
        return Optional.of(clean(path + name, node.textValue()));
    }

    static Optional<Long> optionalLong(JsonNode parent, String path, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new FrpReject(path + name + " must be an integer, not " + kind(node));
        }
        return Optional.of(node.longValue());
    }

    static Optional<Integer> optionalInt(JsonNode parent, String path, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new FrpReject(path + name + " must be an integer, not " + kind(node));
        }
        return Optional.of(node.intValue());
    }

    static Optional<Boolean> optionalBoolean(JsonNode parent, String path, String name) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw new FrpReject(path + name + " must be true or false, not " + kind(node));
        }
        return Optional.of(node.booleanValue());
    }

    /** A {@code map<string>string} such as {@code metas}; empty when absent. */
    static Map<String, String> stringMap(JsonNode parent, String path, String name) {
        JsonNode node = parent.get(name);
        Map<String, String> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            throw new FrpReject(path + name + " must be an object of strings, not " + kind(node));
        }
        node.fields().forEachRemaining(entry -> {
            if (!entry.getValue().isTextual()) {
                throw new FrpReject(path + name + "." + entry.getKey() + " must be a string, not "
                        + kind(entry.getValue()));
            }
            values.put(clean(path + name + " key", entry.getKey()),
                    clean(path + name + "." + entry.getKey(), entry.getValue().textValue()));
        });
        return values;
    }

    /** No frp field holds a control character or a lone surrogate: such text never reaches a query or a log. */
    private static String clean(String field, String value) {
        String problem = Text.problem(value, false);
        if (problem != null) {
            throw new FrpReject(field.replaceAll("[^\\x20-\\x7e]", "?") + " " + problem);
        }
        return value;
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer out of range" : "a decimal number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> "another type";
        };
    }
}
