package io.secureconnect.keyvalidator.acl;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One question: may the caller's key do {@code permission} on this resource? */
public record AclItem(
        @Schema(required = true) ResourceScopeRef resourceScope,
        @Schema(required = true, description = "e.g. PIPELINE (the misspelling PIPLINE is accepted too)") String resourceType,
        @Schema(description = "A single resource, or null for every resource of the type") String resourceIdentifier,
        @Schema(required = true) String permission) {
}
