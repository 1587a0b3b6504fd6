package io.secureconnect.bench;

import java.util.Arrays;

/** Latencies in nanoseconds, appended by one thread (or under its lock), sorted once for percentiles. */
final class Latencies {

    private long[] samples = new long[1 << 16];
    private int size;

    synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized void addAll(Latencies other) {
        synchronized (other) {
            for (int i = 0; i < other.size; i++) {
                add(other.samples[i]);
            }
        }
    }

    synchronized int size() {
        return size;
    }

    /** Percentile in milliseconds (nearest rank) of everything added; NaN when empty. */
    synchronized double percentileMillis(double percentile) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percentile / 100.0 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, rank))] / 1_000_000.0;
    }
}
