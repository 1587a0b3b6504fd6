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
        Coverage coverage, boolean tokenIdExists) {

    /** An answer about a token whose id exists exactly when {@code record} is set. */
    public Validation(boolean valid, DenialReason reason, TokenRecord record, List<String> grantedPermissions,
            List<String> missingPermissions, boolean abacAll, Instant validUntil, String message, String coverageType,
            Coverage coverage) {
        this(valid, reason, record, grantedPermissions, missingPermissions, abacAll, validUntil, message, coverageType,
                coverage, record != null);
    }

    static Validation denied(DenialReason reason, TokenRecord record, String message) {
        return new Validation(false, reason, record, List.of(), List.of(), false, null, message, null, null);
    }

    /**
     * UNKNOWN for a token whose id exists but whose secret (or type, or account) is wrong: answered exactly as an id
     * that does not exist (no principal), but counted against the id's failure budget.
     */
    static Validation wrongSecret(String message) {
        return new Validation(false, DenialReason.UNKNOWN, null, List.of(), List.of(), false, null, message, null, null,
                true);
    }

    /**
     * A failed use of a token id that exists: a wrong secret, or the right one of a revoked or expired token. What
     * the per-key failure budget counts ({@code FailureLimiter}'s per-client budget counts malformed and unknown).
     */
    public boolean keyFailure() {
        return !valid && tokenIdExists
                && (reason == DenialReason.UNKNOWN || reason == DenialReason.REVOKED || reason == DenialReason.EXPIRED);
    }

    static Validation tooNarrow(TokenRecord record, String message) {
        return new Validation(false, DenialReason.ABAC_SCOPE_TOO_NARROW, record, record.effective().granted(),
                List.of(), false, null, message, null, null);
    }
}
