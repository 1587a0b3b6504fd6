package io.secureconnect.common.auth;

import java.util.Set;

/**
 * Who made a REST call, as proven by an API key or an OIDC token: the account it is limited to, the permissions it
 * holds there, whether its resource scope is ABAC "All", and which resources of the asked permissions' type its
 * resource groups cover (at the scope of a {@link Target.Listing}, otherwise its own; {@link Coverage#NONE} when the
 * permissions span several types).
 */
public record Caller(String accountId, String orgId, String projectId, String subject, Set<String> permissions,
        boolean abacAll, Coverage coverage) {

    public Caller {
        permissions = Set.copyOf(permissions);
        coverage = coverage == null ? Coverage.NONE : coverage;
    }
}
