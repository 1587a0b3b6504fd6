package io.secureconnect.gateway.tunnel;

import io.secureconnect.gateway.metrics.GatewayMetrics;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Every pending dial of this gateway by connection id. Whoever removes an entry owns its outcome, so each dial ends
 * exactly once, and every way a dial can end removes it: no leaks.
 */
@Singleton
public class PendingDials {

    private final ConcurrentMap<String, PendingDial> pending = new ConcurrentHashMap<>();

    public PendingDials(GatewayMetrics metrics) {
        metrics.gauge("secureconnect.gateway.dials.pending", "Dial requests waiting for the agent", pending::size);
    }

    void add(PendingDial dial) {
        pending.put(dial.connectionId(), dial);
    }

    /** True for exactly one caller: the one that ends this dial. */
    boolean remove(PendingDial dial) {
        return pending.remove(dial.connectionId(), dial);
    }

    PendingDial get(String connectionId) {
        return pending.get(connectionId);
    }

    /**
     * The data connection's claim: the dial with this id of this tunnel whose ticket matches (constant-time), removed;
     * null for an unknown id, another tunnel or a wrong ticket (the real connection may still come).
     */
    public PendingDial claim(String tunnelId, String connectionId, byte[] ticket) {
        PendingDial dial = pending.get(connectionId);
        if (dial == null || !MessageDigest.isEqual(dial.ticket(), ticket)
                || !dial.tunnel().tunnelId().equals(tunnelId) || !remove(dial)) {
            return null;
        }
        dial.cancelDeadline();
        return dial;
    }

    /** Dials still waiting; a test asserts none is left behind. */
    public int size() {
        return pending.size();
    }

    Iterable<PendingDial> all() {
        return pending.values();
    }
}
