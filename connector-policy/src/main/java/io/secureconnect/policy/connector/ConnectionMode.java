package io.secureconnect.policy.connector;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a connector's traffic starts: on the platform's hosted runners, or on the customer's own build
 * infrastructure (what Harness calls "executeOnDelegate"), which never needs a tunnel.
 */
public enum ConnectionMode {
    PLATFORM,
    CUSTOMER_INFRASTRUCTURE;

    public static Optional<ConnectionMode> fromWire(String name) {
        return Arrays.stream(values()).filter(mode -> mode.name().equals(name)).findFirst();
    }
}
