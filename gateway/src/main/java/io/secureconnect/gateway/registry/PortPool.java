package io.secureconnect.gateway.registry;

import io.secureconnect.proto.tunnelregistry.v1.PortRange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ports every account leases from, as tunnel-registry tells them (its settings
 * {@code secureconnect.registry.ports.first/last} are the one definition of the range; the gateway has no constant of
 * its own). Ports {@code first..last}, both included.
 */
public record PortPool(int first, int last) {

    /** The pool a registry answer names, or empty when it names none (an older registry) or an impossible one. */
    public static Optional<PortPool> of(boolean present, PortRange range) {
        if (!present || range.getFirst() < 1 || range.getLast() > 65535 || range.getFirst() > range.getLast()) {
            return Optional.empty();
        }
        return Optional.of(new PortPool(range.getFirst(), range.getLast()));
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    /** What a refused agent is told, e.g. "must be an integer from 30000 to 30099". */
    public String rule() {
        return "must be an integer from " + first + " to " + last;
    }

    /** The pool's ports no listener of this gateway serves, as ranges ("30050-30099,30120"); empty when covered. */
    public String withoutListener(Collection<Integer> listeners) {
        Set<Integer> bound = new TreeSet<>(listeners);
        List<String> gaps = new ArrayList<>();
        int port = first;
        while (port <= last) {
            if (bound.contains(port)) {
                port++;
                continue;
            }
            int gapStart = port;
            while (port <= last && !bound.contains(port)) {
                port++;
            }
            gaps.add(gapStart == port - 1 ? String.valueOf(gapStart) : gapStart + "-" + (port - 1));
        }
        return String.join(",", gaps);
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
