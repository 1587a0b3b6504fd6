package io.secureconnect.keyvalidator.token;

import io.secureconnect.keyvalidator.apikey.ApiKey;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import java.time.Instant;
import java.util.Map;

/** A token as the REST API shows it: never the token string, never its hash. */
public record TokenView(String identifier, String tokenId, String name, String description, Map<String, String> tags,
        String accountIdentifier, String orgIdentifier, String projectIdentifier, String apiKeyIdentifier,
        ApiKeyType apiKeyType, String parentIdentifier, Instant validFrom, Instant validTo,
        Instant scheduledExpireTime, Instant rotatedAt, boolean revoked, Instant revokedAt, Instant lastUsedAt,
        boolean valid, Instant createdAt) {

    static TokenView of(ApiKey key, Token token, Instant lastUsedAt, Instant now) {
        boolean valid = token.revokedAt == null && !now.isBefore(token.validFrom) && now.isBefore(token.endsAt());
        return new TokenView(token.identifier, token.id, token.name, token.description, token.tags, key.accountId,
                emptyToNull(key.orgId), emptyToNull(key.projectId), key.identifier, key.keyType, key.parentId,
                token.validFrom, token.validTo, token.scheduledExpireTime, token.rotatedAt, token.revokedAt != null,
                token.revokedAt, lastUsedAt, valid, token.createdAt);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
