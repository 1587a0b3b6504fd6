package io.secureconnect.common.oidc;

import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.problem.ProblemException;
import java.util.Set;
import java.util.TreeSet;

/**
 * The REST authorization rules for a verified OIDC token, the same as for an API key: the token's account claim
 * must name the account asked for (403 WRONG_ACCOUNT; 403 NO_ACCOUNT_CLAIM when it names none), and it must hold
 * every permission asked for as a role of the same name (403 MISSING_PERMISSION naming them). A token has no resource
 * groups: its resource scope is All when it holds the ABAC-All role ({@link OidcSettings#abacAllRole()}) and nothing
 * otherwise, so without that role a call about one resource is 403 ABAC_SCOPE_TOO_NARROW and a list shows nothing.
 */
public final class OidcCallerRules {

    private OidcCallerRules() {
    }

    public static Caller caller(OidcIdentity identity, String accountId, Set<String> permissions,
            String accountClaim, Target target) {
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
        boolean aboutResources = target instanceof Target.One
                || target instanceof Target.Several several && !several.resources().isEmpty();
        if (aboutResources && !identity.abacAll()) {
            throw target.tooNarrow("this token");
        }
        return new Caller(identity.accountId(), identity.orgId(), identity.projectId(), identity.name(),
                identity.roles(), identity.abacAll(), identity.abacAll() ? Coverage.ALL : Coverage.NONE);
    }
}
