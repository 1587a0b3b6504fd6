package io.secureconnect.gateway.registry;

import io.secureconnect.proto.tunnelregistry.v1.PortRange;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The port pool this gateway last learnt from tunnel-registry (RegisterGateway, then every heartbeat), so a change of
 * the registry's setting reaches the gateway without a constant to edit or a restart. Each new pool is compared with
 * the proxy listeners ({@code secureconnect.gateway.proxy-ports}): pool ports without a listener are logged as an
 * ERROR naming both settings and the ports, once per pool. The gateway does not stop for it (during a rolling change
 * of the pool every gateway would stop at once), but agents are balanced over all gateways, so a tunnel on such a port
 * is unreachable for builds whenever its agent lands here: the operator must see it at start, not when a build fails. An answer
 * with no pool (an older registry) or an impossible one keeps what was learnt; AcquireLease still judges the port.
 */
public class LearnedPortPool {

    private static final Logger LOG = Logger.getLogger(LearnedPortPool.class);

    private final List<Integer> listeners;
    private volatile PortPool pool;

    /** {@code listeners}: the proxy ports this gateway binds; {@code [0]} (one ephemeral port, tests) is not checked. */
    public LearnedPortPool(List<Integer> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    public Optional<PortPool> current() {
        return Optional.ofNullable(pool);
    }

    /**
     * Takes the pool of a registry answer; returns the listener problem it has (empty when none), also logged.
     * {@code present}: whether the answer carries the field at all.
     */
    public synchronized Optional<String> learn(boolean present, PortRange range) {
        Optional<PortPool> told = PortPool.of(present, range);
        if (told.isEmpty()) {
            if (present) {
                LOG.warnf("tunnel-registry named an impossible port pool %d-%d; keeping %s", range.getFirst(),
                        range.getLast(), pool == null ? "none (AcquireLease judges ports)" : pool);
            }
            return Optional.empty();
        }
        if (told.get().equals(pool)) {
            return Optional.empty();
        }
        PortPool previous = pool;
        pool = told.get();
        LOG.infof("port pool from tunnel-registry: %s%s", pool, previous == null ? "" : " (was " + previous + ")");
        Optional<String> problem = listenerProblem(pool);
        problem.ifPresent(LOG::error);
        return problem;
    }

    private Optional<String> listenerProblem(PortPool learnt) {
        if (listeners.equals(List.of(0))) {
            return Optional.empty();
        }
        String missing = learnt.withoutListener(listeners);
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("secureconnect.gateway.proxy-ports does not cover tunnel-registry's port pool " + learnt
                + " (secureconnect.registry.ports.first/last): no proxy listener on " + missing
                + "; tunnels leased on those ports through this gateway are unreachable for builds. Make the two"
                + " settings agree");
    }
}
