package io.secureconnect.common.credential;

/** Why a build credential was refused. The message never contains the credential. */
public class CredentialException extends Exception {

    /** Stable reasons, used in metrics and logs. */
    public enum Reason { MALFORMED, BAD_SIGNATURE, EXPIRED }

    private final Reason reason;

    public CredentialException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
