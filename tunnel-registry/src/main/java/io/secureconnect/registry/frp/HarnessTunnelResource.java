package io.secureconnect.registry.frp;

import io.secureconnect.common.auth.CurrentCaller;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.registry.auth.KeyDenied;
import io.secureconnect.registry.auth.KeyValidatorClient;
import io.secureconnect.registry.web.Params;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;

/**
 * The two calls Harness's own frps fork makes when a frpc client connects and disconnects. The x-api-key must be
 * the account's agent key: core_pipeline_view with resource scope All, as for an agent's login.
 */
@Path("/ng/api/tunnel")
@SecurityRequirements({})
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class HarnessTunnelResource {

    @Inject
    Params params;

    @Inject
    KeyValidatorClient keyValidator;

    @Inject
    RoutingContext request;

    @Inject
    HarnessTunnels tunnels;

    @POST
    @Operation(summary = "Register the account's tunnel port (Harness frps fork)")
    public TunnelRegistrationView register(@QueryParam("accountIdentifier") String accountIdentifier,
            @HeaderParam(CurrentCaller.API_KEY_HEADER) String apiKey, HarnessTunnelRequest body) {
        String account = params.account(accountIdentifier);
        Request request = check(body);
        Principal principal = authenticate(apiKey, account);
        return tunnels.register(account, request.port, principal.getApiKeyId(), request.credentials);
    }

    @DELETE
    @Operation(summary = "Unregister the account's tunnel port (Harness frps fork)")
    public void unregister(@QueryParam("accountIdentifier") String accountIdentifier,
            @HeaderParam(CurrentCaller.API_KEY_HEADER) String apiKey, HarnessTunnelRequest body) {
        String account = params.account(accountIdentifier);
        Request request = check(body);
        authenticate(apiKey, account);
        tunnels.unregister(account, request.port, request.credentials);
    }

    private Request check(HarnessTunnelRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("MALFORMED_BODY",
                    "a JSON body {\"port\": \"30001\", \"userCredentials\": \"...\"} is required");
        }
        if (body.port() == null || body.port().isEmpty()) {
            throw ProblemException.invalidField("port", "is required");
        }
        int port = params.port("port", body.port());
        if (body.userCredentials() == null || body.userCredentials().isEmpty()) {
            throw ProblemException.invalidField("userCredentials", "is required");
        }
        if (body.userCredentials().length() > 4096) {
            throw ProblemException.invalidField("userCredentials", "must be at most 4096 characters");
        }
        return new Request(port, body.userCredentials());
    }

    private Principal authenticate(String apiKey, String account) {
        if (apiKey == null || apiKey.isBlank()) {
            throw ProblemException.unauthorized("send the agent's API key in the x-api-key header");
        }
        try {
            SocketAddress client = request.request().remoteAddress();
            return keyValidator.validate(apiKey.trim(), Set.of(FrpOperations.AGENT_PERMISSION), true, account,
                    client == null ? null : client.hostAddress()).getPrincipal();
        } catch (KeyDenied e) {
            throw e.toProblem();
        }
    }

    private record Request(int port, String credentials) {
    }
}
