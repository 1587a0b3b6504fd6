package io.secureconnect.keyvalidator.apikey;

import io.secureconnect.keyvalidator.paging.Page;
import io.secureconnect.keyvalidator.paging.PageQuery;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.scope.ScopeAccess;
import io.secureconnect.keyvalidator.scope.ScopeQuery;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * CRUD of API keys at a scope. Every call needs core_apikey_manage over that scope, over a resource group covering
 * the key it is about (a list shows only the keys covered); see {@link ScopeAccess}.
 */
@Path("/api/v1/apikeys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ApiKeyResource {

    @Inject
    ApiKeyService service;

    @Inject
    ScopeAccess access;

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Create an API key")
    @APIResponseSchema(value = ApiKeyView.class, responseCode = "201", responseDescription = "The API key")
    public ApiKeyView create(@BeanParam ScopeQuery scopeQuery, ApiKeyRequest request) {
        Scope scope = scopeQuery.toScope();
        access.requireManageKey(scope, request == null ? null : request.identifier());
        return service.create(scope, request);
    }

    @GET
    @Operation(summary = "List the API keys of a scope")
    public Page<ApiKeyView> list(@BeanParam ScopeQuery scopeQuery, @BeanParam PageQuery pageQuery) {
        Scope scope = scopeQuery.toScope();
        int page = pageQuery.pageNumber();
        int limit = pageQuery.pageSize();
        return service.list(scope, access.requireManageToList(scope), page, limit);
    }

    @GET
    @Path("/{keyIdentifier}")
    @Operation(summary = "Get an API key")
    public ApiKeyView get(@BeanParam ScopeQuery scopeQuery, @PathParam("keyIdentifier") String keyIdentifier) {
        Scope scope = scopeQuery.toScope();
        access.requireManageKey(scope, keyIdentifier);
        return service.get(scope, keyIdentifier);
    }

    @PUT
    @Path("/{keyIdentifier}")
    @Operation(summary = "Change the name, description, tags or default token lifetime of an API key")
    public ApiKeyView update(@BeanParam ScopeQuery scopeQuery, @PathParam("keyIdentifier") String keyIdentifier,
            ApiKeyUpdate update) {
        Scope scope = scopeQuery.toScope();
        access.requireManageKey(scope, keyIdentifier);
        return service.update(scope, keyIdentifier, update);
    }

    @DELETE
    @Path("/{keyIdentifier}")
    @ResponseStatus(204)
    @Operation(summary = "Delete an API key and revoke all its tokens")
    public void delete(@BeanParam ScopeQuery scopeQuery, @PathParam("keyIdentifier") String keyIdentifier) {
        Scope scope = scopeQuery.toScope();
        access.requireManageKey(scope, keyIdentifier);
        service.delete(scope, keyIdentifier);
    }
}
