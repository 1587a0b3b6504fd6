package io.secureconnect.registry.web;

import io.secureconnect.common.auth.CurrentCaller;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.registry.pool.PortPool;
import io.secureconnect.registry.pool.PortPoolView;
import io.secureconnect.registry.tunnel.TunnelQueries;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Which ports of the pool an account uses (held, or reserved for a reconnecting key) and how many are free. It speaks
 * of every port, so a key whose resource group covers only some tunnels may not read it (403 ABAC_SCOPE_TOO_NARROW).
 */
@Path("/api/v1/port-pool")
@Produces(MediaType.APPLICATION_JSON)
public class PortPoolResource {

    @Inject
    CurrentCaller caller;

    @Inject
    Params params;

    @Inject
    PortPool pool;

    @Inject
    TunnelQueries tunnels;

    @GET
    @Operation(summary = "Show the account's port pool: used ports and the number of free ones")
    public PortPoolView get(@QueryParam("accountIdentifier") String accountIdentifier) {
        String account = params.account(accountIdentifier);
        if (!caller.require(account, Target.listing("", ""), "core_secureconnect_manage").coverage().all()) {
            throw ProblemException.forbidden("ABAC_SCOPE_TOO_NARROW", "the port pool describes every port of the "
                    + "account: it needs core_secureconnect_manage over all of them (a resource group covering every "
                    + "SECURE_CONNECT resource)");
        }
        List<Integer> used = tunnels.usedPorts(account, pool.first(), pool.last());
        return new PortPoolView(account, pool.first(), pool.last(), used, pool.size() - used.size());
    }
}
