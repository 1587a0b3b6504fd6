package io.secureconnect.keyvalidator.role;

import io.secureconnect.common.auth.Coverage;
import java.util.List;
import java.util.Set;

/**
 * Whether a resource group's conditions cover one resource. Only what the caller names can match: a condition
 * on an attribute the check does not give (a tag, or the identifier of a type-wide check) does not hold, so a
 * filtered group never grants more than it names (fail closed).
 */
public final class ResourceMatch {

    public static final String RESOURCE_TYPE = "resourceType";
    public static final String IDENTIFIER = "identifier";
    public static final String TAG_PREFIX = "tag.";

    private ResourceMatch() {
    }

    public static boolean matches(List<Condition> conditions, String resourceType, String resourceIdentifier) {
        for (Condition condition : conditions) {
            boolean holds = switch (condition.attribute()) {
                case RESOURCE_TYPE -> condition.value().equals(resourceType);
                case IDENTIFIER -> condition.value().equals(resourceIdentifier);
                default -> false;
            };
            if (!holds) {
                return false;
            }
        }
        return !conditions.isEmpty();
    }

    /**
     * Every resource of {@code resourceType} that {@link #matches} holds for, at once: with an identifier condition
     * at most the one it names; without one the identifier plays no part, so all of the type or none.
     */
    public static Coverage coverage(List<Condition> conditions, String resourceType) {
        for (Condition condition : conditions) {
            if (IDENTIFIER.equals(condition.attribute())) {
                String named = condition.value();
                return matches(conditions, resourceType, named) ? Coverage.of(Set.of(named)) : Coverage.NONE;
            }
        }
        return matches(conditions, resourceType, null) ? Coverage.ALL : Coverage.NONE;
    }
}
