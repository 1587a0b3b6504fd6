package io.secureconnect.policy.connector;

import io.secureconnect.common.input.Identifiers;
import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.CurrentCaller;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.policy.auth.KeyScope;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;
import java.util.Objects;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Connectors over REST, shaped for a Terraform provider: create, read (404 ENTITY_NOT_FOUND when gone), full
 * replace, delete, list, import by org/project/identifier, and the one-call Secure Connect switch.
 * ETag on every answer that carries a connector; If-Match on writes (412 STALE_VERSION). Every call is checked
 * against the caller's resource groups by key-validator: one connector must be covered (else 403
 * ABAC_SCOPE_TOO_NARROW, the same for connectors that exist and that do not), and a list shows only the covered.
 */
@Path("/api/v1/connectors")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ConnectorResource {

    static final String VIEW = "core_connector_view";
    static final String EDIT = "core_connector_edit";
    static final String DELETE = "core_connector_delete";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;
    /** The last page number accepted, so that page * limit fits an int; a larger one is a 400, not an overflow. */
    static final int MAX_PAGE = Integer.MAX_VALUE / MAX_LIMIT;

    @Inject
    CurrentCaller caller;

    @Inject
    ConnectorStore store;

    @Inject
    ConnectorQueries queries;

    @Inject
    ConnectorViews views;

    @POST
    @Operation(summary = "Create a connector")
    @APIResponse(responseCode = "201", description = "Created; the ETag header holds its version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConnectorView.class)))
    public Response create(@BeanParam ScopeQuery query, ConnectorInput input) {
        Scope scope = authorize(query.scope(), input == null ? null : input.identifier(), EDIT);
        Connector connector = store.create(scope, ConnectorRules.check(input));
        UriBuilder location = UriBuilder.fromPath("/api/v1/connectors/{identifier}")
                .queryParam("accountIdentifier", scope.accountId());
        if (!scope.orgId().isEmpty()) {
            location.queryParam("orgIdentifier", scope.orgId());
        }
        if (!scope.projectId().isEmpty()) {
            location.queryParam("projectIdentifier", scope.projectId());
        }
        return Response.status(Response.Status.CREATED).location(location.build(connector.identifier))
                .tag(Versions.etag(connector)).entity(views.of(connector)).build();
    }

    @GET
    @Operation(summary = "List the connectors of a scope, sorted by identifier")
    @APIResponse(responseCode = "200", description = "One page",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConnectorPage.class)))
    public ConnectorPage list(@BeanParam ScopeQuery query,
            @QueryParam("page") @Parameter(description = "0-based page number, 0 to 21474836 (a larger one is a 400); a page past the last is empty", schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "21474836")) String page,
            @QueryParam("limit") @Parameter(description = "Page size, 1 to 100 (default 50)", schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "100")) String limit,
            @QueryParam("type") @Parameter(description = "Only connectors of this type") String type,
            @QueryParam("secureConnect") @Parameter(description = "Only connectors with Secure Connect on (true) or off (false)", schema = @Schema(type = SchemaType.BOOLEAN)) String secureConnect,
            @QueryParam("tag") @Parameter(description = "key or key:value; repeat to require several") List<String> tags) {
        Scope scope = query.scope();
        Coverage covered = authorizeList(scope, VIEW);
        int pageNumber = number("page", page, 0, 0, MAX_PAGE);
        int pageSize = number("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        ConnectorFilter filter = ConnectorFilter.parse(type, secureConnect, tags);
        ConnectorQueries.Found found = queries.list(scope, filter, covered, pageNumber, pageSize);
        int totalPages = (int) ((found.total() + pageSize - 1) / pageSize);
        return new ConnectorPage(views.all(found.connectors()), pageNumber, pageSize, found.total(), totalPages);
    }

    @GET
    @Path("/{identifier}")
    @Operation(summary = "Read a connector")
    @APIResponse(responseCode = "200", description = "The connector; the ETag header holds its version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConnectorView.class)))
    public Response get(@BeanParam ScopeQuery query, @PathParam("identifier") String identifier) {
        return read(authorize(query.scope(), identifier, VIEW), identifier);
    }

    @GET
    @Path("/import/{orgIdentifier}/{projectIdentifier}/{identifier}")
    @Operation(summary = "Read a project-level connector by its Terraform import id <org>/<project>/<identifier>")
    @APIResponse(responseCode = "200", description = "The connector; the ETag header holds its version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConnectorView.class)))
    public Response importById(
            @QueryParam("accountIdentifier") @Parameter(required = true) String accountIdentifier,
            @PathParam("orgIdentifier") String orgIdentifier,
            @PathParam("projectIdentifier") String projectIdentifier,
            @PathParam("identifier") String identifier) {
        Scope scope = ScopeQuery.scope(accountIdentifier, orgIdentifier, projectIdentifier);
        return read(authorize(scope, identifier, VIEW), identifier);
    }

    @PUT
    @Path("/{identifier}")
    @Operation(summary = "Replace a connector (every field); send If-Match with the ETag you read")
    @APIResponse(responseCode = "200", description = "The connector as stored; the ETag header holds its new version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConnectorView.class)))
    public Response replace(@BeanParam ScopeQuery query, @PathParam("identifier") String identifier,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, ConnectorInput input) {
        Scope scope = authorize(query.scope(), identifier, EDIT);
        checkIdentifier(identifier);
        ConnectorDraft draft = ConnectorRules.check(input);
        if (!Objects.equals(draft.identifier(), identifier)) {
            throw ProblemException.invalidField("identifier", "is '" + draft.identifier() + "' but the path names '"
                    + identifier + "'; an identifier cannot change (delete and create instead)");
        }
        Connector connector = store.replace(scope, identifier, draft, Versions.expected(ifMatch));
        return Response.ok(views.of(connector)).tag(Versions.etag(connector)).build();
    }

    @PUT
    @Path("/{identifier}/secure-connect")
    @Operation(summary = "Switch Secure Connect on or off (the one click)")
    @APIResponse(responseCode = "200", description = "The connector as stored; the ETag header holds its new version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConnectorView.class)))
    public Response switchSecureConnect(@BeanParam ScopeQuery query, @PathParam("identifier") String identifier,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, SecureConnectSetting setting) {
        Scope scope = authorize(query.scope(), identifier, EDIT);
        checkIdentifier(identifier);
        Connector connector = store.switchSecureConnect(scope, identifier, ConnectorRules.checkSwitch(setting),
                Versions.expected(ifMatch));
        return Response.ok(views.of(connector)).tag(Versions.etag(connector)).build();
    }

    @DELETE
    @Path("/{identifier}")
    @Operation(summary = "Delete a connector; a later read answers 404 ENTITY_NOT_FOUND")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response delete(@BeanParam ScopeQuery query, @PathParam("identifier") String identifier,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        Scope scope = authorize(query.scope(), identifier, DELETE);
        checkIdentifier(identifier);
        store.delete(scope, identifier, Versions.expected(ifMatch));
        return Response.noContent().build();
    }

    private Response read(Scope scope, String identifier) {
        checkIdentifier(identifier);
        Connector connector = store.get(scope, identifier);
        return Response.ok(views.of(connector)).tag(Versions.etag(connector)).build();
    }

    /**
     * The caller must hold the permission in the scope's account, over a resource group covering the connector
     * (key-validator decides: 403 ABAC_SCOPE_TOO_NARROW, whether it exists or not); a key limited to an org or a
     * project reaches only connectors there. An identifier no connector can have is checked for the permission
     * alone: the call then answers 400 or 404, which says nothing about any connector.
     */
    private Scope authorize(Scope scope, String identifier, String permission) {
        Target target = ConnectorRules.validIdentifier(identifier)
                ? Target.resource(new ResourceRef(ResourceRef.CONNECTOR, identifier, scope.orgId(), scope.projectId()))
                : Target.ownScope();
        inside(scope, caller.require(scope.accountId(), target, permission));
        return scope;
    }

    /** The permission in the scope's account; which of the scope's connectors the caller's resource groups cover. */
    private Coverage authorizeList(Scope scope, String permission) {
        return inside(scope, caller.require(scope.accountId(), Target.listing(scope.orgId(), scope.projectId()),
                permission)).coverage();
    }

    private static Caller inside(Scope scope, Caller who) {
        if (KeyScope.excludes(who.orgId(), who.projectId(), scope.orgId(), scope.projectId())) {
            throw KeyScope.tooNarrow(who.orgId(), who.projectId());
        }
        return who;
    }

    private static void checkIdentifier(String identifier) {
        if (!ConnectorRules.validIdentifier(identifier)) {
            throw ProblemException.invalidField("identifier", Identifiers.RULE);
        }
    }

    private static int number(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalidField(name, "must be an integer from " + min + " to " + max);
    }
}
