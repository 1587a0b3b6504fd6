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
 * Damps credential guessing: after {@code max-failures} malformed or unknown tokens from one caller within
 * {@code window}, the caller is refused (429 / RESOURCE_EXHAUSTED) until the window ends.
 *
 * <p>Per-replica memory on purpose: this is abuse damping, not a correctness property. With N replicas behind a
 * balancer a caller gets at most N times the budget, which still makes guessing a 256-bit secret hopeless;
 * nothing that must hold across replicas (revocation, uniqueness) lives here.
 */
@ApplicationScoped
public class FailureLimiter {

    private static final int MAX_CALLERS = 100_000;

    private record Window(long startNanos, int failures) {
    }

    @Inject
    KeysConfig config;

    @Inject
    Background background;

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        background.every(Duration.ofSeconds(30), "rate-limit purge", this::purge);
    }

    /** Seconds until the caller may try again, when it is refused now. */
    public OptionalLong retryAfterSeconds(String caller) {
        Window window = windows.get(caller);
        long now = System.nanoTime();
        if (window == null || window.failures() < config.rateLimit().maxFailures()) {
            return OptionalLong.empty();
        }
        long remaining = window.startNanos() + config.rateLimit().window().toNanos() - now;
        if (remaining <= 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (remaining + 999_999_999L) / 1_000_000_000L));
    }

    public void failure(String caller) {
        if (windows.size() >= MAX_CALLERS) {
            purge();
        }
        long now = System.nanoTime();
        long length = config.rateLimit().window().toNanos();
        windows.compute(caller, (key, window) -> window == null || now - window.startNanos() >= length
                ? new Window(now, 1) : new Window(window.startNanos(), window.failures() + 1));
    }

    void purge() {
        long now = System.nanoTime();
        long length = config.rateLimit().window().toNanos();
        windows.values().removeIf(window -> now - window.startNanos() >= length);
    }
}
