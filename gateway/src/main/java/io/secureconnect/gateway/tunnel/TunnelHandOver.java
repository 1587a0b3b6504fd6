package io.secureconnect.gateway.tunnel;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Make before break, when the gateway stops: every agent is told HandOver and opens a stream to another gateway,
 * which takes each lease over (a new epoch) while this gateway goes on serving builds through the agents' old
 * streams. A move is learnt from tunnel-registry's lease events and, since a lease-event stream can be between
 * subscriptions just then, by asking again every {@link #RECHECK} (a renewal, refused once the lease moved). It is done when every tunnel has moved and has no open proxied connection, plus {@link #LINGER} for
 * builds whose route named this gateway just before the move; at the latest at the timeout. The caller then says
 * Goodbye to what is left.
 */
final class TunnelHandOver {

    private static final Logger LOG = Logger.getLogger(TunnelHandOver.class);
    /** Twice connector-policy's tunnel-route cache (1 s): a route resolved before the move still finds the tunnel. */
    static final Duration LINGER = Duration.ofSeconds(2);
    static final Duration RECHECK = Duration.ofMillis(500);
    private static final long POLL_MILLIS = 50;

    private final Collection<Tunnel> tunnels;
    private final Consumer<List<Tunnel>> recheck;

    /** @param recheck asks tunnel-registry whether these tunnels' leases moved (marking them); blocks until done */
    TunnelHandOver(Collection<Tunnel> tunnels, Consumer<List<Tunnel>> recheck) {
        this.tunnels = tunnels;
        this.recheck = recheck;
    }

    /** Blocks until the hand-over is done or {@code timeout} has passed. */
    void run(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int agents = 0;
        for (Tunnel tunnel : tunnels) {
            for (AgentLink agent : tunnel.agents()) {
                agent.handOver(timeout);
                agents++;
            }
        }
        int total = tunnels.size();
        LOG.infof("handing over %d tunnel(s) of %d agent(s) to other gateways, for up to %d ms", total, agents,
                timeout.toMillis());
        long settledSince = System.nanoTime();
        long nextCheck = System.nanoTime() + RECHECK.toNanos();
        int pending = -1;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextCheck) {
                List<Tunnel> unmoved = tunnels.stream().filter(t -> !t.closed() && !t.moved()).toList();
                if (!unmoved.isEmpty()) {
                    recheck.accept(unmoved);
                }
                nextCheck = System.nanoTime() + RECHECK.toNanos();
            }
            int now = pending();
            if (now != pending) {
                pending = now;
                settledSince = System.nanoTime();
            }
            if (pending == 0 && System.nanoTime() - settledSince >= LINGER.toNanos()) {
                break;
            }
            sleep();
        }
        long moved = tunnels.stream().filter(Tunnel::moved).count();
        LOG.infof("hand-over over after %d ms: %d of %d tunnel(s) moved, %d not", millisSince(start), moved, total,
                pending());
    }

    /** Tunnels still here that have not moved or still carry a proxied connection. */
    private int pending() {
        int pending = 0;
        for (Tunnel tunnel : tunnels) {
            if (!tunnel.closed() && (!tunnel.moved() || tunnel.openConnections() > 0)) {
                pending++;
            }
        }
        return pending;
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void sleep() {
        try {
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
