package io.secureconnect.bench;

import java.time.Duration;
import java.time.LocalTime;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Calls at a fixed rate whatever the answers do (open loop): call n is due at start + n / rate, and its latency
 * runs from when it was due, not from when it was sent, so a stalled server or generator shows in the figures
 * (no coordinated omission).
 */
final class OpenLoop {

    /** Starts call {@code n} asynchronously and reports its end to {@code done} (null on success). */
    interface AsyncCall {
        void start(long n, Consumer<Throwable> done);
    }

    private OpenLoop() {
    }

    /**
     * Warms up closed loop first ({@value #WARMUP_CALLERS} calls outstanding, as fast as answered, so a cold JIT
     * does not pile up a backlog that the measured window would inherit; its throughput is printed as the
     * capacity seen at that concurrency), then runs at the fixed rate for {@value #SETTLE_SECONDS} s unmeasured,
     * then measures.
     */
    static Result run(String label, int ratePerSecond, Duration warmup, Duration measure, AsyncCall call, String out)
            throws InterruptedException {
        Result capacity = ClosedLoop.run(label.replaceAll(" @[0-9]+/s$", "") + " closed loop " + WARMUP_CALLERS + " in flight", WARMUP_CALLERS,
                Duration.ZERO, warmup,
                (caller, iteration) -> ClosedLoop.timed(() -> blocking(call, caller * 1_000_000_000L + iteration)));
        capacity.report(out);
        return fixedRate(label, ratePerSecond, Duration.ofSeconds(SETTLE_SECONDS), measure, call);
    }

    static final int WARMUP_CALLERS = 8;
    static final int SETTLE_SECONDS = 2;
    static final long SLOW_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static void blocking(AsyncCall call, long n) throws Exception {
        java.util.concurrent.CompletableFuture<Void> end = new java.util.concurrent.CompletableFuture<>();
        call.start(n, failure -> {
            if (failure == null) {
                end.complete(null);
            } else {
                end.completeExceptionally(failure);
            }
        });
        end.get(30, TimeUnit.SECONDS);
    }

    private static Result fixedRate(String label, int ratePerSecond, Duration warmup, Duration measure,
            AsyncCall call) throws InterruptedException {
        long interval = TimeUnit.SECONDS.toNanos(1) / ratePerSecond;
        long begin = System.nanoTime();
        long windowStart = begin + warmup.toNanos();
        long windowEnd = windowStart + measure.toNanos();
        CpuProbe cpu = CpuProbe.window(windowStart, windowEnd);
        Latencies latencies = new Latencies();
        AtomicLong errors = new AtomicLong();
        AtomicLong outstanding = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        long maxLag = 0;
        Queue<String> slow = new ConcurrentLinkedQueue<>(); // when the slowest answers came, to match against logs
        System.out.printf("  %s: %d/s open loop, warm-up %d s, measuring %d s%n", label, ratePerSecond,
                warmup.toSeconds(), measure.toSeconds());
        for (long n = 0; ; n++) {
            long due = begin + n * interval;
            if (due >= windowEnd) {
                break;
            }
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            maxLag = Math.max(maxLag, now - due);
            boolean measured = due >= windowStart;
            outstanding.incrementAndGet();
            try {
                call.start(n, failure -> {
                    long latency = System.nanoTime() - due;
                    if (measured) {
                        if (failure == null) {
                            latencies.add(latency);
                            if (latency > SLOW_NANOS && slow.size() < 20) {
                                slow.add(String.format(Locale.ROOT, "%s (%.0f ms)", LocalTime.now(), latency / 1e6));
                            }
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                    if (failure != null) {
                        firstError.compareAndSet(null, failure.toString());
                    }
                    outstanding.decrementAndGet();
                });
            } catch (RuntimeException e) {
                outstanding.decrementAndGet();
                if (measured) {
                    errors.incrementAndGet();
                }
                firstError.compareAndSet(null, e.toString());
            }
        }
        // Wait for every answer (up to 60 s), so that a backlog does not spill into the next measurement.
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outstanding.get() > 0 && System.nanoTime() < waitUntil) {
            Thread.sleep(5);
        }
        errors.addAndGet(outstanding.get()); // never answered within 60 s of the end
        System.out.printf("    generator lag behind schedule: max %.2f ms%n", maxLag / 1e6);
        if (!slow.isEmpty()) {
            System.out.printf("    answers slower than %d ms (first %d, local time of the answer): %s%n",
                    SLOW_NANOS / 1_000_000, slow.size(), String.join(", ", slow));
        }
        return Result.of(label, latencies, errors.get(), measure.toNanos() / 1e9, firstError.get(), cpu.await());
    }
}
