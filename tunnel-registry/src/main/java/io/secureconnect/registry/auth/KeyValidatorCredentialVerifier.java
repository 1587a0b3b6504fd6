package io.secureconnect.registry.auth;

import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.auth.CredentialVerifier;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.keys.KeyValidatorTargets;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.Set;

/**
 * REST authentication by {@code x-api-key} through key-validator's ValidateToken, with the call's {@link Target} (a
 * tunnel's port, or the account whose tunnels are listed) so that key-validator evaluates the key's resource groups.
 * The ABAC "All" scope is not asked for here, so {@link Caller#abacAll()} is false (not verified); the endpoints that
 * need ABAC "All" ask for it through {@link KeyValidatorClient} themselves.
 */
@ApplicationScoped
public class KeyValidatorCredentialVerifier implements CredentialVerifier {

    @Inject
    KeyValidatorClient keyValidator;

    @Inject
    RoutingContext request;

    @Override
    public Caller verifyApiKey(String token, String accountId, Set<String> requiredPermissions, Target target) {
        try {
            ValidateTokenResponse response = keyValidator.validate(token, requiredPermissions, false, accountId,
                    request.request().remoteAddress() == null ? null : request.request().remoteAddress().hostAddress(),
                    target);
            Principal principal = response.getPrincipal();
            Set<String> permissions = new HashSet<>(response.getGrantedPermissionsList());
            permissions.addAll(requiredPermissions);
            return new Caller(principal.getAccountId(), principal.getOrgId(), principal.getProjectId(),
                    principal.getApiKeyId(), permissions, false, KeyValidatorTargets.coverage(response));
        } catch (KeyDenied e) {
            throw e.toProblem();
        }
    }
}
