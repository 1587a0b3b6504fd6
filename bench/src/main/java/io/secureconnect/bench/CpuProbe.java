package io.secureconnect.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * CPU time over a measured window, from /proc (Linux): of the service processes ({@code --pids}), of this load
 * generator, and of the whole machine. Service CPU per call does not depend much on what else runs on the
 * machine, so it is the figure to compare across noisy runs; "machine busy" shows how noisy the run was.
 */
final class CpuProbe {

    /** Seconds of CPU in the window, and the fraction of all cores busy (any process). */
    record Usage(double serviceSeconds, double generatorSeconds, double machineBusy) {
        static final Usage NONE = new Usage(Double.NaN, Double.NaN, Double.NaN);
    }

    private static final double TICK = 100.0; // USER_HZ on Linux
    private static volatile List<Long> servicePids = List.of();

    private final Thread sampler;
    private volatile Usage usage = Usage.NONE;

    private CpuProbe(long windowStart, long windowEnd) {
        sampler = new Thread(() -> {
            park(windowStart);
            long[] before = sample();
            park(windowEnd);
            long[] after = sample();
            double total = after[3] - before[3];
            usage = new Usage(servicePids.isEmpty() ? Double.NaN : (after[0] - before[0]) / TICK, (after[1] - before[1]) / TICK,
                    total <= 0 ? Double.NaN : (after[2] - before[2]) / total);
        }, "cpu-probe");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The service processes to account for (comma-separated pids; empty for none). */
    static void services(String pids) {
        List<Long> parsed = new ArrayList<>();
        for (String pid : pids.split(",")) {
            if (!pid.isBlank()) {
                parsed.add(Long.parseLong(pid.trim()));
            }
        }
        servicePids = List.copyOf(parsed);
    }

    /** Samples at {@code windowStart} and {@code windowEnd} (System.nanoTime values). */
    static CpuProbe window(long windowStart, long windowEnd) {
        return new CpuProbe(windowStart, windowEnd);
    }

    Usage await() throws InterruptedException {
        sampler.join();
        return usage;
    }

    /** [service ticks, own ticks, machine busy ticks, machine total ticks]. */
    private static long[] sample() {
        long service = 0;
        for (long pid : servicePids) {
            service += processTicks("/proc/" + pid + "/stat");
        }
        long[] machine = machineTicks();
        return new long[] {service, processTicks("/proc/self/stat"), machine[0], machine[1]};
    }

    private static long processTicks(String file) {
        try {
            String stat = Files.readString(Path.of(file));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after "(comm) ": state is [0]; utime, stime are fields 14 and 15 of the whole line
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private static void park(long until) {
        long now;
        while ((now = System.nanoTime()) < until) {
            LockSupport.parkNanos(until - now);
        }
    }
}
