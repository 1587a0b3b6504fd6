package io.secureconnect.keyvalidator.account;

import io.secureconnect.common.auth.CurrentCaller;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.paging.Page;
import io.secureconnect.keyvalidator.paging.PageQuery;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
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
 * Accounts, for the platform operator only: a caller of the operator's account (the bootstrap account,
 * {@code secureconnect.keys.bootstrap.account}) holding {@value #MANAGE}. A tenant's caller gets 403, whatever
 * roles it holds in its own account.
 */
@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AccountResource {

    public static final String MANAGE = "platform_account_manage";

    @Inject
    AccountService service;

    @Inject
    CurrentCaller caller;

    @Inject
    KeysConfig config;

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Create an account with its first admin key (platform operator)")
    @APIResponseSchema(value = CreatedAccount.class, responseCode = "201",
            responseDescription = "The account, its admin key, and a token of it shown once")
    public CreatedAccount create(AccountRequest request) {
        requireOperator();
        return service.create(request);
    }

    @GET
    @Operation(summary = "List the accounts (platform operator)")
    public Page<AccountView> list(@BeanParam PageQuery pageQuery) {
        requireOperator();
        return service.list(pageQuery.pageNumber(), pageQuery.pageSize());
    }

    @GET
    @Path("/{accountIdentifier}")
    @Operation(summary = "Get an account (platform operator)")
    public AccountView get(@PathParam("accountIdentifier") String accountIdentifier) {
        requireOperator();
        return service.get(accountIdentifier);
    }

    private void requireOperator() {
        try {
            caller.require(config.bootstrap().account(), MANAGE);
        } catch (ProblemException e) {
            if ("WRONG_ACCOUNT".equals(e.code())) {
                throw ProblemException.forbidden("NOT_PLATFORM_OPERATOR",
                        "accounts are managed only by keys of the platform operator's account");
            }
            throw e;
        }
    }
}
