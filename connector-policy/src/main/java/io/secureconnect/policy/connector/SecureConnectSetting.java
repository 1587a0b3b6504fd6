package io.secureconnect.policy.connector;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Whether builds reach this connector through the account's tunnel, and optionally through which one. */
@Schema(name = "SecureConnectSetting")
public record SecureConnectSetting(
        @Schema(required = true) Boolean enabled,
        @Schema(description = TUNNEL_PORT, minimum = "1", maximum = "65535") Integer tunnelPort) {

    static final String TUNNEL_PORT = "The port of the account's tunnel to use, a port of tunnel-registry's pool"
            + " (its setting secureconnect.registry.ports.first/last, default 30000-30099; a build of a connector"
            + " naming a port outside it is refused with PORT_OUT_OF_RANGE); absent means the account's connected"
            + " tunnel";
}
