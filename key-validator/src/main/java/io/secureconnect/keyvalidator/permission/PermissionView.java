package io.secureconnect.keyvalidator.permission;

/** A permission as the REST API shows it. */
public record PermissionView(String identifier, String resourceType, String description) {

    static PermissionView of(Permission permission) {
        return new PermissionView(permission.identifier, permission.resourceType, permission.description);
    }
}
