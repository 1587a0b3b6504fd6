package io.secureconnect.keyvalidator.validation;

import java.time.Instant;
import java.util.List;

/**
 * The answer for one token: valid with its grants, or the reason it is refused. {@code record} is set once the
 * token is authenticated (even when refused for a later reason). Never holds the secret.
 */
public record Validation(boolean valid, DenialReason reason, TokenRecord record, List<String> grantedPermissions,
        List<String> missingPermissions, boolean abacAll, Instant validUntil, String message) {

    static Validation denied(DenialReason reason, TokenRecord record, String message) {
        return new Validation(false, reason, record, List.of(), List.of(), false, null, message);
    }
}
