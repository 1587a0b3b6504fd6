package io.secureconnect.keyvalidator.scope;

import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.CurrentCaller;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/**
 * The one authorization rule of the management API: the caller holds {@code core_apikey_manage} in the account,
 * the scope asked for lies inside the caller's own scope, and its resource groups cover what the call touches
 * (resource type API_KEY, named by the key's identifier): the key of a call about one key (its tokens included), the
 * keys a list shows, and every key of the scope for role bindings, which give permissions over a whole scope.
 */
@RequestScoped
public class ScopeAccess {

    public static final String MANAGE = "core_apikey_manage";

    @Inject
    CurrentCaller currentCaller;

    /** A call about one API key (or its tokens): 403 ABAC_SCOPE_TOO_NARROW unless the caller's groups cover it. */
    public Caller requireManageKey(Scope scope, String keyIdentifier) {
        if (!Identifiers.isValid(keyIdentifier)) {
            // No key can have this identifier: the service answers 400 or 404 after the permission check.
            return inside(scope, currentCaller.require(scope.accountId(), MANAGE));
        }
        ResourceRef key = new ResourceRef(ResourceRef.API_KEY, keyIdentifier, scope.orgId(), scope.projectId());
        return inside(scope, currentCaller.require(scope.accountId(), Target.resource(key), MANAGE));
    }

    /** A list of the scope's API keys: which of them the caller's groups cover. */
    public Coverage requireManageToList(Scope scope) {
        return inside(scope, currentCaller.require(scope.accountId(), listing(scope), MANAGE)).coverage();
    }

    /** Role bindings of the scope: the caller's groups must cover every API key there. */
    public Caller requireManageAll(Scope scope) {
        Caller caller = inside(scope, currentCaller.require(scope.accountId(), listing(scope), MANAGE));
        if (!caller.coverage().all()) {
            throw ProblemException.forbidden("ABAC_SCOPE_TOO_NARROW", "role bindings give permissions over a whole "
                    + "scope: managing them needs core_apikey_manage over every API key of the scope");
        }
        return caller;
    }

    /** What a caller whose scope does not hold the scope asked for gets (also for one key outside it). */
    public static ProblemException outsideKey() {
        return ProblemException.forbidden("SCOPE_OUTSIDE_KEY",
                "this API key may only manage its own scope and the scopes inside it");
    }

    private static Target listing(Scope scope) {
        return Target.listing(scope.orgId(), scope.projectId());
    }

    private static Caller inside(Scope scope, Caller caller) {
        Scope callerScope = new Scope(caller.accountId(), caller.orgId(), caller.projectId());
        if (!callerScope.contains(scope)) {
            throw outsideKey();
        }
        return caller;
    }
}
