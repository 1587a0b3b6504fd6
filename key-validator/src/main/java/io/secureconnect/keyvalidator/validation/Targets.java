package io.secureconnect.keyvalidator.validation;

import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.keyvalidator.permission.PermissionCatalog;
import io.secureconnect.keyvalidator.scope.Identifiers;
import io.secureconnect.keyvalidator.scope.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/**
 * The resource-group part of {@link TokenValidator}: whether a check's {@link Target} can be checked at all, and for
 * an authenticated token with its permissions whether it covers the target resource, or which resources of one type
 * it covers at a scope. Everything comes from the token's cached grants through {@link AclEvaluator}: no reads.
 */
@ApplicationScoped
class Targets {

    @Inject
    PermissionCatalog catalog;

    /** Whether every required permission is granted over a group covering the resource (ABAC All covers all). */
    boolean covers(TokenRecord record, List<String> required, ResourceRef resource, boolean abacAll) {
        Scope where = new Scope(record.keyScope().accountId(), resource.orgId(), resource.projectId());
        if (abacAll && record.keyScope().contains(where)) {
            return true;
        }
        for (String permission : required) {
            if (!AclEvaluator.permits(record, where, permission, catalog.resourceTypeOf(permission), resource.type(),
                    resource.identifier())) {
                return false;
            }
        }
        return true;
    }

    /** Which resources of {@code type} every required permission covers, at the listing's scope or the key's own. */
    Coverage coverage(TokenRecord record, List<String> required, String type, Target target,
            boolean abacAll) {
        Scope at = target instanceof Target.Listing listing
                ? new Scope(record.keyScope().accountId(), listing.orgId(), listing.projectId()) : record.keyScope();
        if (!record.keyScope().contains(at)) {
            return Coverage.NONE;
        }
        if (abacAll) {
            return Coverage.ALL;
        }
        Coverage covered = Coverage.ALL;
        for (String permission : required) {
            covered = covered.intersect(AclEvaluator.coverage(record, at, permission, type, type));
            if (!covered.all() && covered.identifiers().isEmpty()) {
                break;
            }
        }
        return covered;
    }

    /** The resource type every permission applies to, or null when there are none or several. */
    String singleResourceType(List<String> required) {
        String type = null;
        for (String permission : required) {
            String next = catalog.resourceTypeOf(permission);
            if (type != null && !type.equals(next)) {
                return null;
            }
            type = next;
        }
        return type;
    }

    /** A target that cannot be checked is the caller's defect: refused before anything is read. */
    void check(Target target, List<String> required) {
        if (target instanceof Target.One one) {
            checkResource("resource", one.resource(), required);
        } else if (target instanceof Target.Several several) {
            for (int i = 0; i < several.resources().size(); i++) {
                checkResource("resources[" + i + "]", several.resources().get(i), required);
            }
        } else if (target instanceof Target.Listing listing) {
            checkScope("coverage_scope", listing.orgId(), listing.projectId());
        }
    }

    private void checkResource(String field, ResourceRef resource, List<String> required) {
        if (required.isEmpty()) {
            throw new InvalidResourceException("required_permissions", "name the permissions to check the resource for");
        }
        if (resource.type() == null || !catalog.isResourceType(resource.type())) {
            throw new InvalidResourceException(field + ".type", "must be one of " + catalog.resourceTypes());
        }
        for (String permission : required) {
            if (!resource.type().equals(catalog.resourceTypeOf(permission))) {
                throw new InvalidResourceException(field + ".type", permission + " applies to "
                        + catalog.resourceTypeOf(permission) + " resources, not " + resource.type());
            }
        }
        if (!Identifiers.isResourceIdentifier(resource.identifier())) {
            throw new InvalidResourceException(field + ".identifier", Identifiers.RESOURCE_RULE);
        }
        checkScope(field + ".scope", resource.orgId(), resource.projectId());
    }

    private static void checkScope(String field, String org, String project) {
        if (!org.isEmpty() && !Identifiers.isValid(org)) {
            throw new InvalidResourceException(field + ".org_id", Identifiers.RULE);
        }
        if (!project.isEmpty() && (org.isEmpty() || !Identifiers.isValid(project))) {
            throw new InvalidResourceException(field + ".project_id", Identifiers.RULE + " and needs org_id");
        }
    }
}
