package io.secureconnect.keyvalidator.role;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A user or service account; the keys whose parentIdentifier and type match act with its role bindings. */
public record PrincipalRef(@Schema(required = true) PrincipalType type, @Schema(required = true) String identifier) {
}
