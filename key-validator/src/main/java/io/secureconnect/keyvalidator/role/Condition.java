package io.secureconnect.keyvalidator.role;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One attribute condition of a resource group: resourceType, identifier or tag.<name> equals value. */
public record Condition(
        @Schema(required = true, description = "resourceType, identifier or tag.<name>") String attribute,
        @Schema(required = true) String value) {
}
