package io.secureconnect.keyvalidator.ratelimit;

import io.quarkus.runtime.StartupEvent;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.jobs.Background;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Damps credential guessing per end client: after {@code max-failures} malformed or unknown tokens from one client
 * within {@code window}, the client is refused (429 / RESOURCE_EXHAUSTED) until the window ends. Tokens still being
 * checked count too, once per distinct token, so a burst of concurrent bad guesses is cut at the budget instead of
 * being checked first and counted after, while a client sending one valid token many times at once is not held up.
 * A client is named by who calls and for whom ({@link GrpcCaller}, or the REST client's address), so one client's
 * failures never refuse another's keys. Tokens are remembered only as a hash code, never as text.
 *
 * <p>Per-replica memory on purpose: this is abuse damping, not a correctness property. With N replicas behind a
 * balancer a client gets at most N times the budget, which still makes guessing a 256-bit secret hopeless;
 * nothing that must hold across replicas (revocation, uniqueness) lives here.
 */
@ApplicationScoped
public class FailureLimiter {

    private static final int MAX_CALLERS = 100_000;

    /** One client's window: failures so far, and the tokens being checked (hash code to how many checks). */
    private static final class Window {
        final long startNanos;
        int failures;
        final Map<Integer, Integer> inFlight = new HashMap<>();

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
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
     * Reserves one check of {@code token} for {@code caller}: empty when it may go ahead (then call {@link #end} once
     * it is answered), or the seconds until it may try again when its failures and the distinct tokens it has in
     * flight fill its budget.
     */
    public OptionalLong begin(String caller, String token) {
        if (windows.size() >= MAX_CALLERS) {
            purge();
        }
        long now = System.nanoTime();
        long length = config.rateLimit().window().toNanos();
        int max = config.rateLimit().maxFailures();
        int key = token == null ? 0 : token.hashCode();
        long[] refusedFor = {-1};
        windows.compute(caller, (name, window) -> {
            Window current = window == null || (now - window.startNanos >= length && window.inFlight.isEmpty())
                    ? new Window(now) : window;
            boolean alreadyInFlight = current.inFlight.containsKey(key);
            if (current.failures >= max || (!alreadyInFlight && current.failures + current.inFlight.size() >= max)) {
                refusedFor[0] = Math.max(1, (current.startNanos + length - now + 999_999_999L) / 1_000_000_000L);
                return current;
            }
            current.inFlight.merge(key, 1, Integer::sum);
            return current;
        });
        return refusedFor[0] < 0 ? OptionalLong.empty() : OptionalLong.of(refusedFor[0]);
    }

    /** Ends a check {@link #begin} admitted; {@code failed} counts it against the caller's budget. */
    public void end(String caller, String token, boolean failed) {
        int key = token == null ? 0 : token.hashCode();
        windows.computeIfPresent(caller, (name, window) -> {
            window.inFlight.computeIfPresent(key, (k, count) -> count > 1 ? count - 1 : null);
            if (failed) {
                window.failures++;
            }
            return window;
        });
    }

    void purge() {
        long now = System.nanoTime();
        long length = config.rateLimit().window().toNanos();
        windows.values().removeIf(window -> now - window.startNanos >= length && window.inFlight.isEmpty());
    }
}
