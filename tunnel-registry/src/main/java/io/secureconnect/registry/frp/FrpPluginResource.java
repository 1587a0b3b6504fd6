package io.secureconnect.registry.frp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.registry.config.FrpInstance;
import io.secureconnect.registry.config.FrpInstances;
import io.secureconnect.registry.config.RegistryConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * frp's server-plugin endpoint, so that stock frps (httpPlugins path "/frp/<path-secret>/handler") uses this control
 * plane. The secret path segment is how frps, which sends no credential header, proves who it is, and it names the
 * frps instance ({@link FrpInstances}: its gateway and port space): any other path segment, or none configured, is
 * 404 and touches nothing. Then always HTTP 200: a refused
 * operation is {@code {"reject": true, "reject_reason": ...}} as frp expects.
 */
@Path("/frp/{secret}/handler")
@SecurityRequirements({})
public class FrpPluginResource {

    static final String VERSION = "0.1.0";
    private static final Logger LOG = Logger.getLogger(FrpPluginResource.class);

    @Inject
    ObjectMapper json;

    @Inject
    FrpOperations operations;

    @Inject
    RegistryConfig config;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "frp server-plugin hook: Login, NewProxy, Ping, CloseProxy, NewWorkConn, NewUserConn")
    public FrpPluginResponse handle(@PathParam("secret") String secret, @QueryParam("version") String version,
            @QueryParam("op") String op,
            @HeaderParam("X-Frp-Reqid") String requestId,
            @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = FrpPluginRequest.class))) String body) {
        FrpInstance frps = FrpInstances.match(FrpInstances.of(config.frp()), secret).orElseThrow(() -> {
            LOG.info("frp plugin call refused: not a configured path secret (or the endpoint is off)");
            return new ProblemException(404, "NOT_FOUND", "no frp plugin endpoint at this path", List.of(), Map.of());
        });
        MDC.put("frpReqId", requestId == null ? UUID.randomUUID().toString() : requestId.replaceAll("[^\\x20-\\x7e]", "?"));
        MDC.put("frps", frps.id());
        try {
            return dispatch(frps, version, op, body);
        } catch (FrpReject e) {
            LOG.infof("frp %s rejected: %s", op == null ? "request" : shown(op), e.getMessage());
            return FrpPluginResponse.reject(e.getMessage());
        } finally {
            MDC.remove("frpReqId");
            MDC.remove("frps");
        }
    }

    private FrpPluginResponse dispatch(FrpInstance frps, String queryVersion, String queryOp, String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new FrpReject("the body is not valid JSON; expected {\"version\", \"op\", \"content\"}");
        }
        if (root == null || !root.isObject()) {
            throw new FrpReject("the body must be a JSON object {\"version\", \"op\", \"content\"}");
        }
        String version = FrpFields.requiredString(root, "", "version");
        if (!version.equals(VERSION)) {
            throw new FrpReject("plugin protocol version '" + shown(version) + "' is not supported; use " + VERSION);
        }
        if (queryVersion != null && !queryVersion.equals(version)) {
            throw new FrpReject("query version '" + shown(queryVersion) + "' differs from the body's " + version);
        }
        String op = FrpFields.requiredString(root, "", "op");
        if (queryOp != null && !queryOp.equals(op)) {
            throw new FrpReject("query op '" + shown(queryOp) + "' differs from the body's op '" + shown(op) + "'");
        }
        JsonNode content = FrpFields.object(root, "", "content");
        return switch (op) {
            case "Login" -> operations.login(frps, content);
            case "NewProxy" -> operations.newProxy(frps, content);
            case "Ping" -> operations.ping(frps, content);
            case "CloseProxy" -> operations.closeProxy(frps, content);
            case "NewWorkConn" -> operations.newWorkConn(frps, content);
            case "NewUserConn" -> operations.newUserConn(frps, content);
            default -> throw new FrpReject("unknown op '" + shown(op)
                    + "'; supported: Login, NewProxy, Ping, CloseProxy, NewWorkConn, NewUserConn");
        };
    }

    private static String shown(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
