package io.secureconnect.keyvalidator.ratelimit;

import io.quarkus.runtime.StartupEvent;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.revocation.Background;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Damps credential guessing per end client: after {@code max-failures} malformed or unknown tokens from one client
 * within {@code window}, the client is refused (429 / RESOURCE_EXHAUSTED) until the window ends. Attempts still being
 * checked count too, so a burst of concurrent bad attempts is cut at the budget, not checked first and counted
 * after. A client is named by who calls and for whom ({@link GrpcCaller}, or the REST client's address), so one
 * client's failures never refuse another's keys.
 *
 * <p>Per-replica memory on purpose: this is abuse damping, not a correctness property. With N replicas behind a
 * balancer a client gets at most N times the budget, which still makes guessing a 256-bit secret hopeless;
 * nothing that must hold across replicas (revocation, uniqueness) lives here.
 */
@ApplicationScoped
public class FailureLimiter {

    private static final int MAX_CALLERS = 100_000;

    private record Window(long startNanos, int failures, int inFlight) {
    }

    @Inject
    KeysConfig config;

    @Inject
    Background background;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        background.every(Duration.ofSeconds(30), "rate-limit purge", this::purge);
    }

    /**
     * Reserves one attempt for {@code caller}: empty when it may go ahead (then call {@link #end} once it is
     * answered), or the seconds until it may try again when its failures and attempts in flight fill its budget.
     */
    public OptionalLong begin(String caller) {
        if (windows.size() >= MAX_CALLERS) {
            purge();
        }
        long now = System.nanoTime();
        long length = config.rateLimit().window().toNanos();
        int max = config.rateLimit().maxFailures();
        long[] refusedFor = {-1};
        windows.compute(caller, (key, window) -> {
            Window current = window == null || (now - window.startNanos() >= length && window.inFlight() == 0)
                    ? new Window(now, 0, 0) : window;
            if (current.failures() + current.inFlight() >= max) {
                refusedFor[0] = Math.max(1, (current.startNanos() + length - now + 999_999_999L) / 1_000_000_000L);
                return current;
            }
            return new Window(current.startNanos(), current.failures(), current.inFlight() + 1);
        });
        return refusedFor[0] < 0 ? OptionalLong.empty() : OptionalLong.of(refusedFor[0]);
    }

    /** Ends an attempt {@link #begin} admitted; {@code failed} counts it against the caller's budget. */
    public void end(String caller, boolean failed) {
        windows.computeIfPresent(caller, (key, window) -> new Window(window.startNanos(),
                window.failures() + (failed ? 1 : 0), Math.max(0, window.inFlight() - 1)));
    }

    void purge() {
        long now = System.nanoTime();
        long length = config.rateLimit().window().toNanos();
        windows.values().removeIf(window -> now - window.startNanos() >= length && window.inFlight() == 0);
    }
}
