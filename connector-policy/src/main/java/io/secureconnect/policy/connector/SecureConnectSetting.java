package io.secureconnect.policy.connector;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Whether builds reach this connector through the account's tunnel, and optionally through which one. */
@Schema(name = "SecureConnectSetting")
public record SecureConnectSetting(
        @Schema(required = true) Boolean enabled,
        @Schema(description = "The port (30000-30099) of the account's tunnel to use; absent means the account's connected tunnel",
                minimum = "30000", maximum = "30099") Integer tunnelPort) {
}
