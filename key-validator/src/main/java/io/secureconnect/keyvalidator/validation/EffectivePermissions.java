package io.secureconnect.keyvalidator.validation;

import io.secureconnect.keyvalidator.scope.Scope;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a token's grants give at its key's scope, worked out once when the token is loaded (not per validation):
 * every permission granted (sorted, as answered), those granted over ABAC All, and whether any binding covers
 * every resource.
 */
public record EffectivePermissions(List<String> granted, Set<String> grantedSet, Set<String> grantedOverAll,
        boolean anyAll) {

    public static EffectivePermissions of(Scope keyScope, List<Grant> grants) {
        Set<String> granted = new TreeSet<>();
        Set<String> overAll = new TreeSet<>();
        boolean anyAll = false;
        for (Grant grant : grants) {
            if (grant.scope().contains(keyScope)) {
                granted.addAll(grant.permissions());
                if (grant.includeAllResources()) {
                    overAll.addAll(grant.permissions());
                    anyAll = true;
                }
            }
        }
        return new EffectivePermissions(List.copyOf(granted), Set.copyOf(granted), Set.copyOf(overAll), anyAll);
    }
}
