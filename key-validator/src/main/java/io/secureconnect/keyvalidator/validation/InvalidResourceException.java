package io.secureconnect.keyvalidator.validation;

/**
 * A check names a resource (or a coverage scope) that cannot be checked: the caller's defect, answered before
 * anything is read (gRPC INVALID_ARGUMENT, reason INVALID_RESOURCE, trailer secureconnect-field). {@code field} is
 * the request field at fault, e.g. {@code resource.identifier}; the message never echoes the value.
 */
public class InvalidResourceException extends RuntimeException {

    private final String field;

    public InvalidResourceException(String field, String message) {
        super(field + ": " + message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
