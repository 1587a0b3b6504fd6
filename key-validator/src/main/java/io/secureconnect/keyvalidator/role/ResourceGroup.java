package io.secureconnect.keyvalidator.role;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The resources a binding covers: every resource of its scope (ABAC "All"), or those matching every
 * condition.
 */
public record ResourceGroup(
        @Schema(required = true, description = "True for ABAC All: every resource in the scope") Boolean includeAllResources,
        @Schema(description = "Required when includeAllResources is false; all must match") List<Condition> conditions) {
}
