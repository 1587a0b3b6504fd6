package io.secureconnect.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link ClosedLoop} without a thread per caller: each caller is a chain of asynchronous calls, the next started from
 * the completion of the last (on the channel's event loop), so that a hundred callers cost the load generator a few
 * threads instead of a hundred and leave the machine's cores to the service under test. Same counting: only calls
 * that started and ended inside the measured window count.
 */
final class AsyncClosedLoop {

    /** Starts one call of {@code caller}; it must end by calling {@code done} exactly once. */
    interface Call {
        void start(int caller, long iteration, Done done);
    }

    /** The end of a call: the nanoseconds to record, or the failure (then {@code nanos} is ignored). */
    interface Done {
        void finished(long nanos, Throwable failure);
    }

    private AsyncClosedLoop() {
    }

    static Result run(String label, int callers, Duration warmup, Duration measure, Call call)
            throws InterruptedException {
        long windowStart = System.nanoTime() + warmup.toNanos();
        long windowEnd = windowStart + measure.toNanos();
        CpuProbe cpu = CpuProbe.window(windowStart, windowEnd);
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(callers);
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
        List<Latencies> perCaller = new ArrayList<>();
        System.out.printf("  %s: %d callers (asynchronous), warm-up %d s, measuring %d s%n", label, callers,
                warmup.toSeconds(), measure.toSeconds());
        try {
            for (int i = 0; i < callers; i++) {
                Latencies latencies = new Latencies();
                perCaller.add(latencies);
                new Object() {
                    private final int caller = perCaller.size() - 1;
                    private long iteration;

                    void next() {
                        long start = System.nanoTime();
                        if (start >= windowEnd) {
                            ended.countDown();
                            return;
                        }
                        call.start(caller, iteration++, (nanos, failure) -> {
                            if (failure == null) {
                                if (start >= windowStart && System.nanoTime() <= windowEnd) {
                                    latencies.add(nanos);
                                }
                                next();
                                return;
                            }
                            if (start >= windowStart) {
                                errors.incrementAndGet();
                            }
                            firstError.compareAndSet(null, failure.toString());
                            retries.schedule(this::next, 10, TimeUnit.MILLISECONDS);
                        });
                    }
                }.next();
            }
            if (!ended.await(warmup.plus(measure).toSeconds() + 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException(label + ": " + ended.getCount() + " callers never finished");
            }
        } finally {
            retries.shutdownNow();
        }
        Latencies all = new Latencies();
        perCaller.forEach(all::addAll);
        return Result.of(label, all, errors.get(), measure.toNanos() / 1e9, firstError.get(), cpu.await());
    }
}
