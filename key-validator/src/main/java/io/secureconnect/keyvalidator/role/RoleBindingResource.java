package io.secureconnect.keyvalidator.role;

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
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * Role bindings at a scope. Every call needs core_apikey_manage over that scope, over every API key of it (a binding
 * gives permissions over a whole scope, so a key limited to some keys may not grant any): {@link
 * ScopeAccess#requireManageAll}.
 */
@Path("/api/v1/role-bindings")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RoleBindingResource {

    @Inject
    RoleBindingService service;

    @Inject
    ScopeAccess access;

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Give a principal a role over a resource group")
    @APIResponseSchema(value = RoleBindingView.class, responseCode = "201", responseDescription = "The role binding")
    public RoleBindingView create(@BeanParam ScopeQuery scopeQuery, RoleBindingRequest request) {
        Scope scope = scopeQuery.toScope();
        access.requireManageAll(scope);
        return service.create(scope, request);
    }

    @GET
    @Operation(summary = "List the role bindings of a scope")
    public Page<RoleBindingView> list(@BeanParam ScopeQuery scopeQuery, @BeanParam PageQuery pageQuery) {
        Scope scope = scopeQuery.toScope();
        int page = pageQuery.pageNumber();
        int limit = pageQuery.pageSize();
        access.requireManageAll(scope);
        return service.list(scope, page, limit);
    }

    @GET
    @Path("/{bindingIdentifier}")
    @Operation(summary = "Get a role binding")
    public RoleBindingView get(@BeanParam ScopeQuery scopeQuery, @PathParam("bindingIdentifier") String bindingIdentifier) {
        Scope scope = scopeQuery.toScope();
        access.requireManageAll(scope);
        return service.get(scope, bindingIdentifier);
    }

    @DELETE
    @Path("/{bindingIdentifier}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a role binding")
    public void delete(@BeanParam ScopeQuery scopeQuery, @PathParam("bindingIdentifier") String bindingIdentifier) {
        Scope scope = scopeQuery.toScope();
        access.requireManageAll(scope);
        service.delete(scope, bindingIdentifier);
    }
}
