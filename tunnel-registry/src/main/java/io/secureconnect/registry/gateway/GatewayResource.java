package io.secureconnect.registry.gateway;

import io.secureconnect.common.auth.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Registered gateways (shared by every account: they hold no account data). Any API key holding
 * {@code core_secureconnect_manage} may list them.
 */
@Path("/api/v1/gateways")
@Produces(MediaType.APPLICATION_JSON)
public class GatewayResource {

    @Inject
    CurrentCaller caller;

    @Inject
    GatewayService gateways;

    @GET
    @Operation(summary = "List the registered gateways and whether they are alive")
    public List<GatewayView> list() {
        caller.require(null, "core_secureconnect_manage");
        return gateways.list();
    }
}
