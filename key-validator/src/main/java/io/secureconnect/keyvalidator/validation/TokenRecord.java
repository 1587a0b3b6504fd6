package io.secureconnect.keyvalidator.validation;

import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import java.time.Instant;
import java.util.List;

/**
 * What validation needs of a token, read in one go and cached: the stored hash (never the secret), its key,
 * lifetime and state, the grants of the key's parent and what they give at the key's scope.
 */
public record TokenRecord(String tokenId, byte[] secretHash, ApiKeyType keyType, Scope keyScope,
        String apiKeyIdentifier, String parentId, Instant validFrom, Instant validTo, Instant scheduledExpireTime,
        boolean revoked, List<Grant> grants, EffectivePermissions effective) {

    public TokenRecord(String tokenId, byte[] secretHash, ApiKeyType keyType, Scope keyScope, String apiKeyIdentifier,
            String parentId, Instant validFrom, Instant validTo, Instant scheduledExpireTime, boolean revoked,
            List<Grant> grants) {
        this(tokenId, secretHash, keyType, keyScope, apiKeyIdentifier, parentId, validFrom, validTo,
                scheduledExpireTime, revoked, grants, EffectivePermissions.of(keyScope, grants));
    }

    /** When the token stops working by time: valid-to, or the rotation cut-off when earlier. */
    public Instant endsAt() {
        return scheduledExpireTime != null && scheduledExpireTime.isBefore(validTo) ? scheduledExpireTime : validTo;
    }

    @Override
    public String toString() {
        return "TokenRecord[tokenId=" + tokenId + ", key=" + apiKeyIdentifier + ", scope=" + keyScope + "]";
    }
}
