package io.secureconnect.common.oidc;

import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.problem.ProblemException;
import java.util.Set;
import java.util.TreeSet;

/**
 * The REST authorization rules for a verified OIDC token, the same as for an API key: the token's account claim
 * must name the account asked for (403 WRONG_ACCOUNT; 403 NO_ACCOUNT_CLAIM when it names none), and it must hold
 * every permission asked for as a role of the same name (403 MISSING_PERMISSION naming them).
 */
public final class OidcCallerRules {

    private OidcCallerRules() {
    }

    public static Caller caller(OidcIdentity identity, String accountId, Set<String> permissions,
            String accountClaim) {
        if (accountId != null) {
            if (identity.accountId() == null) {
                throw ProblemException.forbidden("NO_ACCOUNT_CLAIM",
                        "this token carries no " + accountClaim + " claim, so it may act on no account");
            }
            if (!accountId.equals(identity.accountId())) {
                throw ProblemException.forbidden("WRONG_ACCOUNT", "this token belongs to another account");
            }
        }
        Set<String> missing = new TreeSet<>(permissions);
        missing.removeAll(identity.roles());
        if (!missing.isEmpty()) {
            throw ProblemException.forbidden("MISSING_PERMISSION",
                    "this token lacks " + String.join(", ", missing) + " (a role of the same name)");
        }
        return new Caller(identity.accountId(), identity.orgId(), identity.projectId(), identity.name(),
                identity.roles(), identity.abacAll());
    }
}
