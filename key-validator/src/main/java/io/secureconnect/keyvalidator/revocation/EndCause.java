package io.secureconnect.keyvalidator.revocation;

/** Why a token stopped working; the names are those of the revocation_event.cause column. */
public enum EndCause {
    REVOKED,
    EXPIRED,
    KEY_DELETED,
    ROTATED_OUT
}
