package io.secureconnect.keyvalidator.role;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of "create a role binding". Scope comes from the query parameters. */
@Schema(description = "A role given to a principal over a resource group")
public record RoleBindingRequest(
        @Schema(required = true) String identifier,
        @Schema(required = true) String roleIdentifier,
        @Schema(required = true) PrincipalRef principal,
        @Schema(required = true) ResourceGroup resourceGroup) {
}
