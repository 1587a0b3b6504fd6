package io.secureconnect.keyvalidator.validation;

import io.secureconnect.keyvalidator.role.Condition;
import io.secureconnect.keyvalidator.scope.Scope;
import java.util.List;
import java.util.Set;

/** One role binding of a key's parent as validation needs it: where, which permissions, over what. */
public record Grant(Scope scope, Set<String> permissions, boolean includeAllResources, List<Condition> conditions) {

    public Grant {
        permissions = Set.copyOf(permissions);
        conditions = List.copyOf(conditions);
    }
}
