package io.secureconnect.registry.frp;

import java.time.Instant;
import java.util.UUID;

/** A tunnel port registered by Harness's frps fork; held until it unregisters it (or a force-release). */
public record TunnelRegistrationView(String accountIdentifier, int port, UUID tunnelId, long epoch,
        Instant registeredAt) {
}
