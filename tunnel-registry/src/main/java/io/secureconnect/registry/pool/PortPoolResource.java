package io.secureconnect.registry.pool;

import io.secureconnect.common.auth.CurrentCaller;
import io.secureconnect.registry.tunnel.TunnelQueries;
import io.secureconnect.registry.web.Params;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Which ports of the pool an account uses (held, or reserved for a reconnecting key) and how many are free. */
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
        caller.require(account, "core_secureconnect_manage");
        List<Integer> used = tunnels.usedPorts(account, pool.first(), pool.last());
        return new PortPoolView(account, pool.first(), pool.last(), used, pool.size() - used.size());
    }
}
