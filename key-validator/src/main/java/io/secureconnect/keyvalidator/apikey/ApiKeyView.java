package io.secureconnect.keyvalidator.apikey;

import io.secureconnect.keyvalidator.secret.ApiKeyType;
import java.time.Instant;
import java.util.Map;

/** An API key as the REST API shows it. */
public record ApiKeyView(String identifier, String name, String description, Map<String, String> tags,
        String accountIdentifier, String orgIdentifier, String projectIdentifier, ApiKeyType apiKeyType,
        String parentIdentifier, long defaultTimeToExpireToken, Instant createdAt, Instant updatedAt) {

    public static ApiKeyView of(ApiKey key) {
        return new ApiKeyView(key.identifier, key.name, key.description, key.tags, key.accountId,
                emptyToNull(key.orgId), emptyToNull(key.projectId), key.keyType, key.parentId,
                key.defaultTokenLifetimeMs, key.createdAt, key.updatedAt);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
