package io.secureconnect.keyvalidator.apikey;

import io.secureconnect.keyvalidator.secret.ApiKeyType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of "create an API key". Scope comes from the query parameters. */
@Schema(description = "A new API key")
public record ApiKeyRequest(
        @Schema(required = true, description = "Unique in its scope; ^[a-zA-Z_][0-9a-zA-Z_]{0,127}$") String identifier,
        @Schema(required = true) String name,
        String description,
        Map<String, String> tags,
        @Schema(required = true) ApiKeyType apiKeyType,
        @Schema(required = true, description = "The user or service account the key acts for") String parentIdentifier,
        @Schema(description = "Lifetime of new tokens in milliseconds; defaults to 30 days") Long defaultTimeToExpireToken) {
}
