package io.secureconnect.keyvalidator.role;

import java.time.Instant;

/** A role binding as the REST API shows it. */
public record RoleBindingView(String identifier, String roleIdentifier, PrincipalRef principal,
        ResourceGroup resourceGroup, String accountIdentifier, String orgIdentifier, String projectIdentifier,
        Instant createdAt) {

    static RoleBindingView of(RoleBinding binding) {
        return new RoleBindingView(binding.identifier, binding.roleIdentifier,
                new PrincipalRef(binding.principalType, binding.principalId),
                new ResourceGroup(binding.includeAllResources, binding.conditions), binding.accountId,
                binding.orgId.isEmpty() ? null : binding.orgId, binding.projectId.isEmpty() ? null : binding.projectId,
                binding.createdAt);
    }
}
