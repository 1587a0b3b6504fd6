package io.secureconnect.keyvalidator.validation;

import io.secureconnect.keyvalidator.permission.PermissionCatalog;

/** A caller asked for a permission identifier that is not in the closed list. */
public class UnknownPermissionException extends RuntimeException {

    private final String permission;

    public UnknownPermissionException(String permission) {
        super("unknown permission '" + PermissionCatalog.shown(permission) + "'", null, false, false);
        this.permission = permission;
    }

    public String permission() {
        return permission;
    }
}
