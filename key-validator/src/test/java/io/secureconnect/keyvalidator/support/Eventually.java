package io.secureconnect.keyvalidator.support;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;

/** Polls until a condition holds or a deadline passes: no fixed sleeps in tests. */
public final class Eventually {

    private Eventually() {
    }

    /** The first value that satisfies {@code done}, polled every 20 ms; fails after {@code within}. */
    public static <T> T poll(Duration within, Supplier<T> probe, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                Assertions.fail(what + " did not happen within " + within.toMillis() + " ms; last seen: " + last);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            last = probe.get();
        }
        return last;
    }
}
