package io.secureconnect.registry.web;

import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.CurrentCaller;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.registry.lease.LeaseService;
import io.secureconnect.registry.tunnel.TunnelQueries;
import io.secureconnect.registry.tunnel.TunnelRecord;
import io.secureconnect.registry.tunnel.TunnelStatus;
import io.secureconnect.registry.tunnel.TunnelView;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Tunnels of an account, for people and automation. Every call needs an API key of that account holding
 * {@code core_secureconnect_manage} ("see tunnels and force-release their ports") over a resource group covering
 * the tunnel: resource type SECURE_CONNECT, identified by its port ("30001"), at the account's level. A port the
 * group does not cover is 403 ABAC_SCOPE_TOO_NARROW whether it has a tunnel or not; the list shows only covered
 * ports. key-validator evaluates the group.
 */
@Path("/api/v1/tunnels")
@Produces(MediaType.APPLICATION_JSON)
public class TunnelResource {

    static final String MANAGE = "core_secureconnect_manage";

    @Inject
    CurrentCaller caller;

    @Inject
    Params params;

    @Inject
    TunnelQueries tunnels;

    @Inject
    LeaseService leases;

    @GET
    @Operation(summary = "List the account's tunnels, one per port it leased, with status")
    public List<TunnelView> list(@QueryParam("accountIdentifier") String accountIdentifier) {
        String account = params.account(accountIdentifier);
        Coverage covered = caller.require(account, Target.listing("", ""), MANAGE).coverage();
        if (!covered.all() && covered.identifiers().isEmpty()) {
            return List.of();
        }
        return tunnels.find(account, 0).stream().filter(tunnel -> covered.covers(String.valueOf(tunnel.port())))
                .map(TunnelView::of).toList();
    }

    @GET
    @Path("/{port}")
    @Operation(summary = "Get the tunnel on one port of the account")
    public TunnelView get(@PathParam("port") String port, @QueryParam("accountIdentifier") String accountIdentifier) {
        String account = params.account(accountIdentifier);
        int number = params.port("port", port);
        caller.require(account, Target.resource(port(number)), MANAGE);
        return tunnels.find(account, number).stream().findFirst().map(TunnelView::of).orElseThrow(() ->
                ProblemException.notFound("account " + account + " has no tunnel on port " + number));
    }

    @DELETE
    @Path("/{port}/lease")
    @Operation(summary = "Force-release the lease on a port: its gateway stops serving it, and any key may take it")
    public void forceRelease(@PathParam("port") String port,
            @QueryParam("accountIdentifier") String accountIdentifier) {
        String account = params.account(accountIdentifier);
        int number = params.port("port", port);
        caller.require(account, Target.resource(port(number)), MANAGE);
        if (!leases.forceRelease(account, number)) {
            throw new ProblemException(404, "LEASE_NOT_FOUND", "port " + number + " of account " + account
                    + " has no live or reserved lease", List.of(), java.util.Map.of());
        }
    }

    /** A tunnel as resource groups name it: SECURE_CONNECT, identified by its port, at the account's level. */
    private static ResourceRef port(int port) {
        return new ResourceRef(ResourceRef.SECURE_CONNECT, String.valueOf(port), "", "");
    }
}
