package io.secureconnect.keyvalidator.token;

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
 * Tokens of an API key. Create and rotate answer the token string once; nothing else ever shows it. Every call needs
 * core_apikey_manage over a resource group covering the key ({@link ScopeAccess#requireManageKey}).
 */
@Path("/api/v1/apikeys/{keyIdentifier}/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TokenResource {

    @Inject
    TokenService service;

    @Inject
    ScopeAccess access;

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Create a token; the answer holds the token string, shown this once")
    @APIResponseSchema(value = IssuedToken.class, responseCode = "201", responseDescription = "The token string (shown this once) and the token")
    public IssuedToken create(@BeanParam ScopeQuery scopeQuery, @PathParam("keyIdentifier") String keyIdentifier,
            TokenRequest request) {
        Scope scope = scopeQuery.toScope();
        access.requireManageKey(scope, keyIdentifier);
        return service.create(scope, keyIdentifier, request);
    }

    @GET
    @Operation(summary = "List the tokens of an API key, rotated-out generations included")
    public Page<TokenView> list(@BeanParam ScopeQuery scopeQuery, @PathParam("keyIdentifier") String keyIdentifier,
            @BeanParam PageQuery pageQuery) {
        Scope scope = scopeQuery.toScope();
        int page = pageQuery.pageNumber();
        int limit = pageQuery.pageSize();
        access.requireManageKey(scope, keyIdentifier);
        return service.list(scope, keyIdentifier, page, limit);
    }

    @GET
    @Path("/{tokenIdentifier}")
    @Operation(summary = "Get the current generation of a token")
    public TokenView get(@BeanParam ScopeQuery scopeQuery, @PathParam("keyIdentifier") String keyIdentifier,
            @PathParam("tokenIdentifier") String tokenIdentifier) {
        Scope scope = scopeQuery.toScope();
        access.requireManageKey(scope, keyIdentifier);
        return service.get(scope, keyIdentifier, tokenIdentifier);
    }

    @DELETE
    @Path("/{tokenIdentifier}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a token (every generation), revoking it")
    public void delete(@BeanParam ScopeQuery scopeQuery, @PathParam("keyIdentifier") String keyIdentifier,
            @PathParam("tokenIdentifier") String tokenIdentifier) {
        Scope scope = scopeQuery.toScope();
        access.requireManageKey(scope, keyIdentifier);
        service.delete(scope, keyIdentifier, tokenIdentifier);
    }

    @POST
    @Path("/{tokenIdentifier}/rotate")
    @ResponseStatus(201)
    @Operation(summary = "Rotate a token: a new token now, the old one working until oldTokenValidUntil")
    @APIResponseSchema(value = IssuedToken.class, responseCode = "201", responseDescription = "The new token string (shown this once) and the new token")
    public IssuedToken rotate(@BeanParam ScopeQuery scopeQuery, @PathParam("keyIdentifier") String keyIdentifier,
            @PathParam("tokenIdentifier") String tokenIdentifier, RotateTokenRequest request) {
        Scope scope = scopeQuery.toScope();
        access.requireManageKey(scope, keyIdentifier);
        return service.rotate(scope, keyIdentifier, tokenIdentifier, request);
    }

    @POST
    @Path("/{tokenIdentifier}/revoke")
    @Operation(summary = "Revoke a token (every generation); every replica and gateway refuses it within 2 s")
    public TokenView revoke(@BeanParam ScopeQuery scopeQuery, @PathParam("keyIdentifier") String keyIdentifier,
            @PathParam("tokenIdentifier") String tokenIdentifier) {
        Scope scope = scopeQuery.toScope();
        access.requireManageKey(scope, keyIdentifier);
        return service.revoke(scope, keyIdentifier, tokenIdentifier);
    }
}
