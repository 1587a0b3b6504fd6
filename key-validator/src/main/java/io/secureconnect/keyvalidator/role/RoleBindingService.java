package io.secureconnect.keyvalidator.role;

import io.quarkus.panache.common.Sort;
import io.secureconnect.common.input.Text;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.keyvalidator.paging.Page;
import io.secureconnect.keyvalidator.permission.PermissionCatalog;
import io.secureconnect.keyvalidator.revocation.RevocationLog;
import io.secureconnect.keyvalidator.scope.Duplicates;
import io.secureconnect.keyvalidator.scope.Fields;
import io.secureconnect.keyvalidator.scope.Identifiers;
import io.secureconnect.keyvalidator.scope.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Creates and deletes role bindings. Each change writes a cache invalidation for the principal in the same
 * transaction, so every replica drops the grants it cached for that principal's keys.
 */
@ApplicationScoped
public class RoleBindingService {

    private static final Logger LOG = Logger.getLogger(RoleBindingService.class);
    static final int MAX_CONDITIONS = 20;

    @Inject
    RevocationLog revocationLog;

    @Inject
    PermissionCatalog catalog;

    @Transactional
    public RoleBindingView create(Scope scope, RoleBindingRequest request) {
        Fields.required("body", request);
        RoleBinding binding = new RoleBinding();
        binding.accountId = scope.accountId();
        binding.orgId = scope.orgId();
        binding.projectId = scope.projectId();
        binding.identifier = Fields.identifier("identifier", request.identifier());
        binding.roleIdentifier = Fields.identifier("roleIdentifier", request.roleIdentifier());
        PrincipalRef principal = Fields.required("principal", request.principal());
        binding.principalType = Fields.required("principal.type", principal.type());
        binding.principalId = Fields.identifier("principal.identifier", principal.identifier());
        ResourceGroup group = Fields.required("resourceGroup", request.resourceGroup());
        binding.includeAllResources = Fields.required("resourceGroup.includeAllResources", group.includeAllResources());
        binding.conditions = conditions(binding.includeAllResources, group.conditions());
        if (Role.findById(binding.roleIdentifier) == null) {
            throw ProblemException.invalidField("roleIdentifier", "no role '" + binding.roleIdentifier
                    + "'; GET /api/v1/roles lists them");
        }
        binding.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        revocationLog.lockForWrite();
        Duplicates.conflictOn(RoleBinding.IDENTIFIER_UNIQUE,
                "a role binding '" + binding.identifier + "' already exists in this scope", binding::persistAndFlush);
        revocationLog.principalChanged(binding.accountId, binding.principalType.name(), binding.principalId);
        LOG.infof("role binding created: account=%s org=%s project=%s binding=%s role=%s principal=%s:%s all=%s",
                binding.accountId, binding.orgId, binding.projectId, binding.identifier, binding.roleIdentifier,
                binding.principalType, binding.principalId, binding.includeAllResources);
        return RoleBindingView.of(binding);
    }

    @Transactional
    public Page<RoleBindingView> list(Scope scope, int page, int limit) {
        var query = RoleBinding.<RoleBinding>find("accountId = ?1 and orgId = ?2 and projectId = ?3",
                Sort.by("identifier"), scope.accountId(), scope.orgId(), scope.projectId());
        long total = query.count();
        return new Page<>(query.page(page, limit).list().stream().map(RoleBindingView::of).toList(), page, limit, total);
    }

    @Transactional
    public RoleBindingView get(Scope scope, String identifier) {
        return RoleBindingView.of(require(scope, identifier));
    }

    @Transactional
    public void delete(Scope scope, String identifier) {
        revocationLog.lockForWrite();
        RoleBinding binding = require(scope, identifier);
        binding.delete();
        revocationLog.principalChanged(binding.accountId, binding.principalType.name(), binding.principalId);
        LOG.infof("role binding deleted: account=%s org=%s project=%s binding=%s", binding.accountId,
                binding.orgId, binding.projectId, binding.identifier);
    }

    private static RoleBinding require(Scope scope, String identifier) {
        Identifiers.requirePath("bindingIdentifier", identifier);
        return RoleBinding.findInScope(scope, identifier).orElseThrow(() ->
                ProblemException.notFound("no role binding '" + identifier + "' in this scope"));
    }

    private List<Condition> conditions(boolean includeAll, List<Condition> given) {
        List<Condition> conditions = given == null ? List.of() : given;
        if (includeAll && !conditions.isEmpty()) {
            throw ProblemException.invalidField("resourceGroup.conditions",
                    "must be empty when includeAllResources is true");
        }
        if (!includeAll && conditions.isEmpty()) {
            throw ProblemException.invalidField("resourceGroup.conditions",
                    "needs at least one condition when includeAllResources is false");
        }
        if (conditions.size() > MAX_CONDITIONS) {
            throw ProblemException.invalidField("resourceGroup.conditions", "must hold at most " + MAX_CONDITIONS);
        }
        List<Condition> checked = new ArrayList<>();
        for (int i = 0; i < conditions.size(); i++) {
            checked.add(condition("resourceGroup.conditions[" + i + "]", conditions.get(i)));
        }
        return List.copyOf(checked);
    }

    private Condition condition(String field, Condition condition) {
        Fields.required(field, condition);
        String attribute = Fields.required(field + ".attribute", condition.attribute());
        String value = Fields.required(field + ".value", condition.value());
        if (value.isBlank() || value.length() > Fields.MAX_NAME) {
            throw ProblemException.invalidField(field + ".value", "must be 1 to " + Fields.MAX_NAME + " characters");
        }
        Text.line(field + ".attribute", attribute);
        Text.line(field + ".value", value);
        switch (attribute) {
            case ResourceMatch.RESOURCE_TYPE -> {
                if (!catalog.resourceTypes().contains(value)) {
                    throw ProblemException.invalidField(field + ".value", "must be one of " + catalog.resourceTypes());
                }
            }
            case ResourceMatch.IDENTIFIER -> {
                if (!Identifiers.isResourceIdentifier(value)) {
                    throw ProblemException.invalidField(field + ".value", Identifiers.RESOURCE_RULE);
                }
            }
            default -> {
                if (!attribute.startsWith(ResourceMatch.TAG_PREFIX) || attribute.length() == ResourceMatch.TAG_PREFIX.length()
                        || attribute.length() > Fields.MAX_NAME) {
                    throw ProblemException.invalidField(field + ".attribute",
                            "must be resourceType, identifier or tag.<name>");
                }
            }
        }
        return new Condition(attribute, value);
    }
}
