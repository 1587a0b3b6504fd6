package io.secureconnect.keyvalidator.validation;

/** Why a token is refused; the names match the proto's DenialReason without its prefix. */
public enum DenialReason {
    MALFORMED,
    UNKNOWN,
    EXPIRED,
    REVOKED,
    NOT_YET_VALID,
    MISSING_PERMISSION,
    ABAC_SCOPE_TOO_NARROW,
    WRONG_ACCOUNT;

    /** Failures that look like guessing (counted by the rate limiter); the others come from real tokens. */
    public boolean isAuthenticationFailure() {
        return this == MALFORMED || this == UNKNOWN;
    }
}
