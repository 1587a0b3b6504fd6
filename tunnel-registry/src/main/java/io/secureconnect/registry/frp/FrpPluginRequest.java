package io.secureconnect.registry.frp;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body frps sends to a server plugin (frp's {@code pkg/plugin/server} Request). Described for OpenAPI only:
 * the resource reads the body itself, so that a missing or mistyped field is answered with a reject naming it.
 */
@Schema(name = "FrpPluginRequest", description = "frp server-plugin request: {version, op, content}")
public record FrpPluginRequest(
        @Schema(description = "Plugin protocol version, 0.1.0") String version,
        @Schema(description = "Login, NewProxy, Ping, CloseProxy, NewWorkConn or NewUserConn") String op,
        @Schema(description = "The operation's content, as frp's docs/server_plugin.md describes it")
        Map<String, Object> content) {
}
