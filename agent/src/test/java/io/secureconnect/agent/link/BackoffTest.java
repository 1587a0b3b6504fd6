package io.secureconnect.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exponential backoff with full jitter: base 0.5 s, cap 30 s, reset after a healthy minute. */
class BackoffTest {

    /** Records the bounds asked for and answers the largest allowed delay. */
    private final List<Long> bounds = new ArrayList<>();

    private Backoff worstCase() {
        return new Backoff(Backoff.BASE, Backoff.CAP, Backoff.RESET_AFTER, bound -> {
            bounds.add(bound);
            return bound;
        });
    }

    @Test
    void doublesFromHalfASecondUpToThirtySeconds() {
        Backoff backoff = worstCase();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            delays.add(backoff.nextDelayMillis());
        }
        assertEquals(List.of(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L, 30000L), delays);
    }

    @Test
    void neverOverflowsAfterManyAttempts() {
        Backoff backoff = worstCase();
        for (int i = 0; i < 200; i++) {
            long delay = backoff.nextDelayMillis();
            assertTrue(delay >= 0 && delay <= 30_000, "delay " + delay + " at attempt " + i);
        }
    }

    @Test
    void drawsEachDelayUniformlyFromZeroToTheCeiling() {
        Backoff backoff = Backoff.standard();
        long[] ceilings = {500, 1000, 2000, 4000, 8000, 16000, 30000, 30000};
        for (long ceiling : ceilings) {
            long delay = backoff.nextDelayMillis();
            assertTrue(delay >= 0 && delay <= ceiling, delay + " not in [0, " + ceiling + "]");
        }
        long sum = 0;
        Backoff fresh = Backoff.standard();
        for (int i = 0; i < 2000; i++) {
            fresh.connectionEnded(Duration.ofMinutes(2));
            sum += fresh.nextDelayMillis();
        }
        double mean = sum / 2000.0;
        assertTrue(mean > 200 && mean < 300, "full jitter over [0, 500] averages ~250 ms, got " + mean);
    }

    @Test
    void startsOverAfterAConnectionThatStayedUpAMinute() {
        Backoff backoff = worstCase();
        for (int i = 0; i < 5; i++) {
            backoff.nextDelayMillis();
        }
        backoff.connectionEnded(Duration.ofSeconds(59));
        assertEquals(16_000, backoff.nextDelayMillis(), "a short connection does not reset");
        backoff.connectionEnded(Duration.ofSeconds(60));
        assertEquals(500, backoff.nextDelayMillis());
        assertEquals(0, bounds.stream().filter(b -> b > 30_000).count());
    }
}
