package io.secureconnect.keyvalidator.validation;

import io.secureconnect.common.auth.Coverage;
import java.time.Instant;
import java.util.List;

/**
 * The answer for one token: valid with its grants, or the reason it is refused. {@code record} is set once the
 * token is authenticated (even when refused for a later reason). {@code coverage} (with its {@code coverageType}) is
 * set on a valid answer to a check without a resource whose permissions all apply to one resource type: which
 * resources of it the token's resource groups cover. Never holds the secret.
 */
public record Validation(boolean valid, DenialReason reason, TokenRecord record, List<String> grantedPermissions,
        List<String> missingPermissions, boolean abacAll, Instant validUntil, String message, String coverageType,
        Coverage coverage) {

    static Validation denied(DenialReason reason, TokenRecord record, String message) {
        return new Validation(false, reason, record, List.of(), List.of(), false, null, message, null, null);
    }

    static Validation tooNarrow(TokenRecord record, String message) {
        return new Validation(false, DenialReason.ABAC_SCOPE_TOO_NARROW, record, record.effective().granted(),
                List.of(), false, null, message, null, null);
    }
}
