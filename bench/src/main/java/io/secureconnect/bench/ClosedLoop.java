package io.secureconnect.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed number of callers, each calling again as soon as its last call answered, first for a warm-up, then for
 * the measured window. Only calls that started and ended inside the window count.
 */
final class ClosedLoop {

    /** One call of caller {@code caller}; returns the nanoseconds to record (usually the whole call); throws on failure. */
    interface Call {
        long run(int caller, long iteration) throws Exception;
    }

    /** Times {@code body} and returns its duration in nanoseconds. */
    static long timed(ThrowingRunnable body) throws Exception {
        long start = System.nanoTime();
        body.run();
        return System.nanoTime() - start;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private ClosedLoop() {
    }

    static Result run(String label, int callers, Duration warmup, Duration measure, Call call)
            throws InterruptedException {
        long begin = System.nanoTime();
        long windowStart = begin + warmup.toNanos();
        long windowEnd = windowStart + measure.toNanos();
        CpuProbe cpu = CpuProbe.window(windowStart, windowEnd);
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Latencies> perCaller = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Latencies latencies = new Latencies();
            perCaller.add(latencies);
            int caller = i;
            Thread thread = new Thread(() -> {
                long iteration = 0;
                while (true) {
                    long start = System.nanoTime();
                    if (start >= windowEnd) {
                        return;
                    }
                    try {
                        long nanos = call.run(caller, iteration++);
                        if (start >= windowStart && System.nanoTime() <= windowEnd) {
                            latencies.add(nanos);
                        }
                    } catch (Exception e) {
                        if (start >= windowStart) {
                            errors.incrementAndGet();
                        }
                        firstError.compareAndSet(null, e.toString());
                        pauseAfterError();
                    }
                }
            }, label + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        System.out.printf("  %s: %d callers, warm-up %d s, measuring %d s%n", label, callers, warmup.toSeconds(),
                measure.toSeconds());
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        Latencies all = new Latencies();
        perCaller.forEach(all::addAll);
        return Result.of(label, all, errors.get(), measure.toNanos() / 1e9, firstError.get(), cpu.await());
    }

    private static void pauseAfterError() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
