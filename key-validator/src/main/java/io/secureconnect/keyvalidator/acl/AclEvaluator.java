package io.secureconnect.keyvalidator.acl;

import io.secureconnect.keyvalidator.role.ResourceMatch;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.validation.Grant;
import io.secureconnect.keyvalidator.validation.TokenRecord;

/**
 * Whether an authenticated key may do a permission on a resource: the resource lies in the key's scope, the
 * permission applies to the resource type, and some binding of the key's parent at a scope holding the resource
 * grants it over a resource group that covers the resource (All, or conditions naming it).
 */
final class AclEvaluator {

    static final String PIPELINE_MISSPELLED = "PIPLINE";

    private AclEvaluator() {
    }

    static boolean permits(TokenRecord key, Scope resource, String permission, String permissionType,
            String resourceType, String resourceIdentifier) {
        String type = PIPELINE_MISSPELLED.equals(resourceType) ? "PIPELINE" : resourceType;
        if (!key.keyScope().contains(resource) || !type.equals(permissionType)) {
            return false;
        }
        for (Grant grant : key.grants()) {
            if (grant.scope().contains(resource) && grant.permissions().contains(permission)
                    && (grant.includeAllResources() || ResourceMatch.matches(grant.conditions(), type, resourceIdentifier))) {
                return true;
            }
        }
        return false;
    }
}
