package io.secureconnect.keyvalidator.support;

import io.secureconnect.keyvalidator.apikey.ApiKeyRequest;
import io.secureconnect.keyvalidator.apikey.ApiKeyService;
import io.secureconnect.keyvalidator.role.Condition;
import io.secureconnect.keyvalidator.role.PrincipalRef;
import io.secureconnect.keyvalidator.role.PrincipalType;
import io.secureconnect.keyvalidator.role.ResourceGroup;
import io.secureconnect.keyvalidator.role.RoleBindingRequest;
import io.secureconnect.keyvalidator.role.RoleBindingService;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.token.TokenRequest;
import io.secureconnect.keyvalidator.token.TokenService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

/**
 * Test data through the service layer (the same code the REST resources call, minus the caller check), so that
 * every test can make its own uniquely named account, keys, bindings and tokens.
 */
@ApplicationScoped
public class Fixtures {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

    @Inject
    ApiKeyService keys;

    @Inject
    RoleBindingService bindings;

    @Inject
    TokenService tokens;

    /** A fresh identifier such as {@code acct_k3j9x0qa}. */
    public static String unique(String prefix) {
        StringBuilder name = new StringBuilder(prefix).append('_');
        for (int i = 0; i < 8; i++) {
            name.append(LETTERS.charAt(RANDOM.nextInt(LETTERS.length())));
        }
        return name.toString();
    }

    /** A SERVICE_ACCOUNT key at {@code scope} whose parent holds {@code role} over every resource; its token. */
    public String keyWithRole(Scope scope, String role) {
        String parent = unique("sa");
        String key = key(scope, ApiKeyType.SERVICE_ACCOUNT, parent);
        bind(scope, PrincipalType.SERVICE_ACCOUNT, parent, role, true, List.of());
        return token(scope, key, null, null);
    }

    /** An account admin: _account_admin over every resource of the account. */
    public String admin(String account) {
        return keyWithRole(Scope.account(account), "_account_admin");
    }

    public String key(Scope scope, ApiKeyType type, String parent) {
        String identifier = unique("key");
        keys.create(scope, new ApiKeyRequest(identifier, "Key " + identifier, null, null, type, parent, null));
        return identifier;
    }

    public String bind(Scope scope, PrincipalType type, String principal, String role, boolean all,
            List<Condition> conditions) {
        String identifier = unique("binding");
        bindings.create(scope, new RoleBindingRequest(identifier, role, new PrincipalRef(type, principal),
                new ResourceGroup(all, conditions)));
        return identifier;
    }

    /** A token of the key, remembered for the log scan. */
    public String token(Scope scope, String key, Instant validFrom, Instant validTo) {
        String identifier = unique("token");
        return IssuedTokens.remember(tokens.create(scope, key,
                new TokenRequest(identifier, "Token " + identifier, null, null, validFrom, validTo)).token());
    }
}
