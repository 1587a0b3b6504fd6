package io.secureconnect.keyvalidator.validation;

import io.secureconnect.common.auth.Coverage;
import io.secureconnect.keyvalidator.role.ResourceMatch;
import io.secureconnect.keyvalidator.scope.Scope;

/**
 * The one evaluation of resource groups (ABAC), for ValidateToken with a resource or a coverage scope, the REST
 * x-api-key check and the ACL endpoint alike: a key may do a permission on a resource when the resource lies in
 * the key's scope, the permission applies to the resource type, and some binding of the key's parent at a scope
 * holding the resource grants it over a resource group that covers the resource (All, or conditions naming it).
 */
public final class AclEvaluator {

    static final String PIPELINE_MISSPELLED = "PIPLINE";

    private AclEvaluator() {
    }

    public static boolean permits(TokenRecord key, Scope resource, String permission, String permissionType,
            String resourceType, String resourceIdentifier) {
        return coverage(key, resource, permission, permissionType, resourceType).covers(resourceIdentifier);
    }

    /**
     * Every resource of {@code resourceType} at {@code scope} that {@link #permits} holds for, at once: what a key
     * may see of a list.
     */
    public static Coverage coverage(TokenRecord key, Scope scope, String permission, String permissionType,
            String resourceType) {
        String type = PIPELINE_MISSPELLED.equals(resourceType) ? "PIPELINE" : resourceType;
        if (!key.keyScope().contains(scope) || !type.equals(permissionType)) {
            return Coverage.NONE;
        }
        Coverage covered = Coverage.NONE;
        for (Grant grant : key.grants()) {
            if (grant.scope().contains(scope) && grant.permissions().contains(permission)) {
                covered = covered.union(grant.includeAllResources() ? Coverage.ALL
                        : ResourceMatch.coverage(grant.conditions(), type));
                if (covered.all()) {
                    return covered;
                }
            }
        }
        return covered;
    }
}
