package io.secureconnect.common.auth;

import java.util.Set;

/**
 * Who made a REST call, as proven by an API key (or, later, an OIDC token): the account it is limited to,
 * the permissions it holds there and whether its resource scope is ABAC "All".
 */
public record Caller(String accountId, String orgId, String projectId, String subject, Set<String> permissions,
        boolean abacAll) {

    public Caller {
        permissions = Set.copyOf(permissions);
    }
}
