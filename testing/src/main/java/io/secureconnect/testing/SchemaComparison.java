package io.secureconnect.testing;

import io.secureconnect.testing.OpenApiContract.Differences;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares the schemas found at the same place in a contract and in a generated document. A reference is
 * compared by the name it points to; the named component schemas that the compared operations reach are
 * compared afterwards, once each, by {@link #compareReachableComponents()}.
 *
 * <p>Ways of saying "nullable" are normalised away, so that an OpenAPI 3.0 contract matches the 3.1 document
 * SmallRye generates: {@code type: [string, "null"]}, {@code anyOf: [{$ref: X}, {type: "null"}]},
 * {@code allOf: [{$ref: X}]} with {@code nullable: true}, and {@code null} among enum values.
 */
final class SchemaComparison {

    private static final String COMPONENT_PREFIX = "#/components/schemas/";

    private final OpenAPI contract;
    private final OpenAPI service;
    private final Differences differences;
    private final Set<String> reachedInContract = new TreeSet<>();
    private final Set<String> reachedInService = new TreeSet<>();

    SchemaComparison(OpenAPI contract, OpenAPI service, Differences differences) {
        this.contract = contract;
        this.service = service;
        this.differences = differences;
    }

    /** Compares two schemas found at {@code where}; either may be absent. */
    void compare(String where, Schema<?> inContract, Schema<?> inService) {
        Schema<?> contractSchema = withoutNullable(inContract);
        Schema<?> serviceSchema = withoutNullable(inService);
        if (contractSchema == null || serviceSchema == null) {
            differences.presence(where, "schema", contractSchema != null, serviceSchema != null);
            return;
        }
        String contractRef = componentName(contractSchema);
        String serviceRef = componentName(serviceSchema);
        if (contractRef != null) {
            reachedInContract.add(contractRef);
        }
        if (serviceRef != null) {
            reachedInService.add(serviceRef);
        }
        if (contractRef != null || serviceRef != null) {
            differences.unequal(where, "schema", describe(contractSchema), describe(serviceSchema));
            return;
        }
        compareStructure(where, contractSchema, serviceSchema);
    }

    /**
     * Compares the component schemas reached on both sides (and those they reach in turn), then reports the
     * names only one side reached. Schemas a side reaches only through a one-sided schema are not followed:
     * the one-sided schema is the difference worth reading.
     */
    void compareReachableComponents() {
        Set<String> compared = new TreeSet<>();
        boolean reachedMore = true;
        while (reachedMore) {
            reachedMore = false;
            for (String name : new TreeSet<>(reachedInContract)) {
                if (reachedInService.contains(name) && compared.add(name)) {
                    compare("schema '" + name + "'", component(contract, name), component(service, name));
                    reachedMore = true;
                }
            }
        }
        differences.oneSided("", reachedInContract, reachedInService, name -> "schema '" + name + "'");
    }

    private void compareStructure(String where, Schema<?> inContract, Schema<?> inService) {
        differences.unequal(where, "type", typeOf(inContract), typeOf(inService));
        differences.unequal(where, "format", inContract.getFormat(), inService.getFormat());
        differences.oneSided(where, enumValues(inContract), enumValues(inService),
                value -> "enum value '" + value + "'");
        differences.oneSided(where, namesOf(inContract.getRequired()), namesOf(inService.getRequired()),
                name -> "required property '" + name + "'");
        compareProperties(where, propertiesOf(inContract), propertiesOf(inService));
        if (inContract.getItems() != null || inService.getItems() != null) {
            compare(where + ", items", inContract.getItems(), inService.getItems());
        }
        if (inContract.getAdditionalProperties() instanceof Schema<?> contractValues
                && inService.getAdditionalProperties() instanceof Schema<?> serviceValues) {
            compareAdditionalProperties(where + ", additional properties", contractValues, serviceValues);
        }
        compareMembers(where, "allOf", inContract.getAllOf(), inService.getAllOf());
        compareMembers(where, "anyOf", inContract.getAnyOf(), inService.getAnyOf());
        compareMembers(where, "oneOf", inContract.getOneOf(), inService.getOneOf());
    }

    private void compareProperties(String where, Map<String, Schema> inContract, Map<String, Schema> inService) {
        differences.oneSided(where, inContract.keySet(), inService.keySet(), name -> "property '" + name + "'");
        inContract.forEach((name, property) -> {
            if (inService.containsKey(name)) {
                compare(where + ", property '" + name + "'", property, inService.get(name));
            }
        });
    }

    /** Only the type of map values is compared (a referenced schema's type is its name). */
    private void compareAdditionalProperties(String where, Schema<?> inContract, Schema<?> inService) {
        Schema<?> contractValues = withoutNullable(inContract);
        Schema<?> serviceValues = withoutNullable(inService);
        String contractRef = componentName(contractValues);
        String serviceRef = componentName(serviceValues);
        if (contractRef != null && contractRef.equals(serviceRef)) {
            reachedInContract.add(contractRef);
            reachedInService.add(serviceRef);
        }
        differences.unequal(where, "type", contractRef != null ? contractRef : typeOf(contractValues),
                serviceRef != null ? serviceRef : typeOf(serviceValues));
    }

    /** Composition members are compared in the order they are listed. */
    private void compareMembers(String where, String keyword, List<Schema> inContract, List<Schema> inService) {
        List<Schema> contractMembers = inContract == null ? List.of() : inContract;
        List<Schema> serviceMembers = inService == null ? List.of() : inService;
        differences.unequal(where, "number of " + keyword + " members", contractMembers.size(), serviceMembers.size());
        for (int i = 0; i < Math.min(contractMembers.size(), serviceMembers.size()); i++) {
            compare(where + ", " + keyword + "[" + i + "]", contractMembers.get(i), serviceMembers.get(i));
        }
    }

    /** The schema a nullable wrapper stands for, or the schema itself. */
    private static Schema<?> withoutNullable(Schema<?> schema) {
        if (schema == null || schema.get$ref() != null || typeOf(schema) != null) {
            return schema;
        }
        for (List<Schema> members : List.of(listOrEmpty(schema.getAnyOf()), listOrEmpty(schema.getOneOf()))) {
            List<Schema> notNull = members.stream().filter(member -> !isNullType(member)).toList();
            if (notNull.size() == 1 && members.size() > 1) {
                return withoutNullable(notNull.get(0));
            }
        }
        if (schema.getAllOf() != null && schema.getAllOf().size() == 1) {
            return withoutNullable(schema.getAllOf().get(0));
        }
        return schema;
    }

    /**
     * The type without "null", from {@code type} (OpenAPI 3.0) or {@code types} (3.1); when absent, implied by
     * {@code properties} or {@code items}.
     */
    private static String typeOf(Schema<?> schema) {
        Set<String> types = declaredTypes(schema);
        types.remove("null");
        if (!types.isEmpty()) {
            return String.join("|", types);
        }
        if (schema.getProperties() != null) {
            return "object";
        }
        return schema.getItems() != null ? "array" : null;
    }

    private static Set<String> declaredTypes(Schema<?> schema) {
        Set<String> types = new TreeSet<>();
        if (schema.getTypes() != null) {
            types.addAll(schema.getTypes());
        }
        if (schema.getType() != null) {
            types.add(schema.getType());
        }
        return types;
    }

    private static boolean isNullType(Schema<?> schema) {
        return schema.get$ref() == null && declaredTypes(schema).equals(Set.of("null"));
    }

    private static String componentName(Schema<?> schema) {
        String ref = schema.get$ref();
        return ref != null && ref.startsWith(COMPONENT_PREFIX) ? ref.substring(COMPONENT_PREFIX.length()) : ref;
    }

    private static String describe(Schema<?> schema) {
        String ref = componentName(schema);
        if (ref != null) {
            return "a reference to '" + ref + "'";
        }
        String type = typeOf(schema);
        return type == null ? "an inline schema" : "an inline " + type;
    }

    private static Schema<?> component(OpenAPI document, String name) {
        if (document.getComponents() == null || document.getComponents().getSchemas() == null) {
            return null;
        }
        return document.getComponents().getSchemas().get(name);
    }

    private static Set<String> enumValues(Schema<?> schema) {
        Set<String> values = new TreeSet<>();
        if (schema.getEnum() != null) {
            schema.getEnum().stream().filter(Objects::nonNull).forEach(value -> values.add(String.valueOf(value)));
        }
        return values;
    }

    private static Map<String, Schema> propertiesOf(Schema<?> schema) {
        return schema.getProperties() == null ? Map.of() : schema.getProperties();
    }

    private static Set<String> namesOf(List<String> names) {
        return names == null ? Set.of() : new TreeSet<>(names);
    }

    private static <T> List<T> listOrEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
