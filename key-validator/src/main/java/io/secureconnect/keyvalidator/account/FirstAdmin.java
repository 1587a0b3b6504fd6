package io.secureconnect.keyvalidator.account;

import io.secureconnect.keyvalidator.apikey.ApiKey;
import io.secureconnect.keyvalidator.role.PrincipalType;
import io.secureconnect.keyvalidator.role.RoleBinding;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.token.IssuedToken;
import io.secureconnect.keyvalidator.token.TokenService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The first admin of an account, in the caller's transaction: a SERVICE_ACCOUNT key that is its own parent, bound
 * over every resource of the account to each role named, and one token of it. Used by the bootstrap on first start
 * and by "create an account".
 */
@ApplicationScoped
public class FirstAdmin {

    /** The role every first admin holds; its binding is named like the key, others {@code <key><role>}. */
    public static final String ACCOUNT_ADMIN = "_account_admin";

    @Inject
    TokenService tokens;

    /** The key and its token; the token string is the only copy of the secret. */
    public record Made(ApiKey key, IssuedToken token) {
    }

    public Made create(String account, String keyIdentifier, String keyName, String description, List<String> roles,
            Duration tokenLifetime) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ApiKey key = new ApiKey();
        key.accountId = account;
        key.orgId = "";
        key.projectId = "";
        key.identifier = keyIdentifier;
        key.name = keyName;
        key.description = description;
        key.tags = Map.of();
        key.keyType = ApiKeyType.SERVICE_ACCOUNT;
        key.parentId = keyIdentifier;
        key.defaultTokenLifetimeMs = tokenLifetime.toMillis();
        key.createdAt = now;
        key.updatedAt = now;
        key.persistAndFlush();
        for (String role : roles) {
            RoleBinding binding = new RoleBinding();
            binding.accountId = account;
            binding.orgId = "";
            binding.projectId = "";
            binding.identifier = role.equals(ACCOUNT_ADMIN) ? keyIdentifier : keyIdentifier + role;
            binding.roleIdentifier = role;
            binding.principalType = PrincipalType.SERVICE_ACCOUNT;
            binding.principalId = keyIdentifier;
            binding.includeAllResources = true;
            binding.conditions = List.of();
            binding.createdAt = now;
            binding.persistAndFlush();
        }
        return new Made(key, tokens.issueInCurrentTransaction(key, "first", "First admin token", tokenLifetime));
    }
}
