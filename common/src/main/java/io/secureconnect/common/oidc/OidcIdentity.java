package io.secureconnect.common.oidc;

import java.util.Set;

/**
 * What a verified OIDC access token says about its holder: who it is ({@code subject}, and the OAuth client it was
 * issued to), the account (and org/project) it is limited to, its roles and whether its resource scope is "All".
 * {@code accountId}, {@code orgId}, {@code projectId}, {@code clientId} and {@code gatewayId} (the claim naming the
 * gateway a {@code sc_gateway} token is) are null when the token has no such claim.
 */
public record OidcIdentity(String subject, String clientId, String accountId, String orgId, String projectId,
        Set<String> roles, boolean abacAll, String gatewayId) {

    public OidcIdentity {
        roles = Set.copyOf(roles);
    }

    /** How logs and {@code Caller.subject} name the holder: {@code oidc:<client id>} or {@code oidc:<sub>}. */
    public String name() {
        return "oidc:" + (clientId != null ? clientId : subject);
    }
}
