package io.secureconnect.keyvalidator.scope;

import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.auth.CurrentCaller;
import io.secureconnect.common.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * The one authorization rule of the management API: the caller's API key holds {@code core_apikey_manage}
 * in the account and the scope asked for lies inside the key's own scope.
 */
@RequestScoped
public class ScopeAccess {

    public static final String MANAGE = "core_apikey_manage";

    @Inject
    CurrentCaller currentCaller;

    public Caller requireManage(Scope scope) {
        Caller caller = currentCaller.require(scope.accountId(), MANAGE);
        Scope callerScope = new Scope(caller.accountId(), caller.orgId(), caller.projectId());
        if (!callerScope.contains(scope)) {
            throw ProblemException.forbidden("SCOPE_OUTSIDE_KEY",
                    "this API key may only manage its own scope and the scopes inside it");
        }
        return caller;
    }
}
