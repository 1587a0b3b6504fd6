package io.secureconnect.agent.link;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: before attempt n (0-based) wait a uniformly random time in
 * [0, min(cap, base * 2^n)]. A connection that stayed healthy for {@code resetAfter} starts again at n = 0.
 * Not thread-safe: the link uses it from its one thread.
 */
public final class Backoff {

    public static final Duration BASE = Duration.ofMillis(500);
    public static final Duration CAP = Duration.ofSeconds(30);
    public static final Duration RESET_AFTER = Duration.ofMinutes(1);

    private final long baseMillis;
    private final long capMillis;
    private final long resetAfterMillis;
    /** Given a bound b (inclusive), returns a value in [0, b]. */
    private final LongUnaryOperator random;
    private int attempt;

    public Backoff(Duration base, Duration cap, Duration resetAfter, LongUnaryOperator random) {
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.resetAfterMillis = resetAfter.toMillis();
        this.random = random;
    }

    public static Backoff standard() {
        return new Backoff(BASE, CAP, RESET_AFTER,
                bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** The upper bound of the next delay, before jitter. */
    public long ceilingMillis() {
        int shift = Math.min(attempt, 30);
        long ceiling = baseMillis << shift;
        return ceiling <= 0 || ceiling > capMillis ? capMillis : ceiling;
    }

    /** The delay before the next attempt; each call moves one step up the exponential. */
    public long nextDelayMillis() {
        long delay = random.applyAsLong(ceilingMillis());
        attempt++;
        return Math.max(0, Math.min(delay, capMillis));
    }

    /** A connection that ended after {@code healthyFor} resets the exponent when it lasted long enough. */
    public void connectionEnded(Duration healthyFor) {
        if (healthyFor.toMillis() >= resetAfterMillis) {
            attempt = 0;
        }
    }

    int attempt() {
        return attempt;
    }
}
