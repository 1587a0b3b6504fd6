package io.secureconnect.keyvalidator.acl;

import io.secureconnect.common.auth.CurrentCaller;
import io.secureconnect.common.auth.OpenApiSecurity;
import io.secureconnect.common.problem.Problem;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.keyvalidator.permission.PermissionCatalog;
import io.secureconnect.keyvalidator.scope.Identifiers;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.validation.AclEvaluator;
import io.secureconnect.keyvalidator.validation.LocalCredentialVerifier;
import io.secureconnect.keyvalidator.validation.Validation;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Harness-compatible permission check (used by Harness's frps fork): may the key in x-api-key do each listed
 * permission? Any valid key may ask about itself; the answer is permitted true/false per item.
 */
@Path("/gateway/authz/api/acl")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AclResource {

    static final int MAX_ITEMS = 100;

    @Inject
    LocalCredentialVerifier verifier;

    @Inject
    PermissionCatalog catalog;

    @POST
    @Operation(summary = "Check permissions of the calling API key (Harness ACL format)")
    // An API key only, and no 403: any valid key may ask about itself.
    @SecurityRequirement(name = OpenApiSecurity.API_KEY)
    @APIResponseSchema(value = AclResponse.class, responseCode = "200", responseDescription = "OK")
    @APIResponse(responseCode = "401", ref = OpenApiSecurity.UNAUTHORIZED)
    @APIResponse(responseCode = "429", ref = OpenApiSecurity.TOO_MANY_REQUESTS)
    public AclResponse check(
            @Parameter(description = "The API key (token) asking", required = true) @HeaderParam(CurrentCaller.API_KEY_HEADER) String apiKey,
            AclRequest request) {
        List<AclItem> items = items(request);
        if (apiKey == null || apiKey.isBlank()) {
            throw ProblemException.unauthorized("send an API key in the x-api-key header");
        }
        Validation validation = verifier.authenticate(apiKey.trim(), List.of());
        if (!validation.valid()) {
            throw LocalCredentialVerifier.unauthorized(validation.reason());
        }
        List<AclEntry> answers = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            AclItem item = items.get(i);
            Scope scope = scope("permissions[" + i + "].resourceScope", item.resourceScope());
            boolean permitted = AclEvaluator.permits(validation.record(), scope, item.permission(),
                    catalog.resourceTypeOf(item.permission()), item.resourceType(), item.resourceIdentifier());
            answers.add(new AclEntry(item.permission(), item.resourceType(), item.resourceIdentifier(),
                    item.resourceScope(), permitted));
        }
        return new AclResponse("SUCCESS", new AclData(answers));
    }

    private List<AclItem> items(AclRequest request) {
        if (request == null || request.permissions() == null || request.permissions().isEmpty()) {
            throw ProblemException.invalidField("permissions", "needs at least one item");
        }
        if (request.permissions().size() > MAX_ITEMS) {
            throw ProblemException.invalidField("permissions", "must hold at most " + MAX_ITEMS + " items");
        }
        for (int i = 0; i < request.permissions().size(); i++) {
            String field = "permissions[" + i + "]";
            AclItem item = request.permissions().get(i);
            if (item == null) {
                throw ProblemException.invalidField(field, "is required");
            }
            if (item.permission() == null || !catalog.isKnown(item.permission())) {
                throw new ProblemException(400, "UNKNOWN_PERMISSION", field + ".permission: unknown permission '"
                        + PermissionCatalog.shown(item.permission()) + "'; GET /api/v1/permissions lists them",
                        List.of(new Problem.FieldError(field + ".permission", "is not a known permission")), Map.of());
            }
            if (item.resourceType() == null || item.resourceType().isBlank()) {
                throw ProblemException.invalidField(field + ".resourceType", "is required");
            }
            scope(field + ".resourceScope", item.resourceScope());
        }
        return request.permissions();
    }

    private static Scope scope(String field, ResourceScopeRef ref) {
        if (ref == null) {
            throw ProblemException.invalidField(field, "is required");
        }
        if (!Identifiers.isValid(ref.accountIdentifier())) {
            throw ProblemException.invalidField(field + ".accountIdentifier", Identifiers.RULE);
        }
        String org = ref.orgIdentifier() == null ? "" : ref.orgIdentifier();
        String project = ref.projectIdentifier() == null ? "" : ref.projectIdentifier();
        if (!org.isEmpty() && !Identifiers.isValid(org)) {
            throw ProblemException.invalidField(field + ".orgIdentifier", Identifiers.RULE);
        }
        if (!project.isEmpty() && (!Identifiers.isValid(project) || org.isEmpty())) {
            throw ProblemException.invalidField(field + ".projectIdentifier", Identifiers.RULE + " and needs orgIdentifier");
        }
        return new Scope(ref.accountIdentifier(), org, project);
    }
}
