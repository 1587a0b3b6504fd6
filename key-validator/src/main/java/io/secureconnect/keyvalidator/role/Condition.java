package io.secureconnect.keyvalidator.role;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One attribute condition of a resource group: resourceType, identifier or tag.<name> equals value. An identifier
 * names a connector or an API key by its identifier, a tunnel (SECURE_CONNECT) by its port, e.g. "30001".
 */
public record Condition(
        @Schema(required = true, description = "resourceType, identifier or tag.<name>") String attribute,
        @Schema(required = true, description = "For identifier: the resource's identifier, or a tunnel's port") String value) {
}
