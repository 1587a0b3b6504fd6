package io.secureconnect.keyvalidator.role;

import java.util.List;

/** A role as the REST API shows it. */
public record RoleView(String identifier, String name, String description, List<String> permissions) {

    static RoleView of(Role role) {
        return new RoleView(role.identifier, role.name, role.description, role.permissions.stream().sorted().toList());
    }
}
