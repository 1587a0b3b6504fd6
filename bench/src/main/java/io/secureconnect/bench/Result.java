package io.secureconnect.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** One measured figure: how many calls succeeded in the window, how fast, and their latency percentiles. */
record Result(String label, long calls, long errors, double seconds, double p50, double p90, double p99,
        double p999, double max, double serviceCpuMicrosPerCall, double machineBusy, String firstError,
        double generatorCpuMicrosPerCall, double machineCpuMicrosPerCall) {

    static Result of(String label, Latencies latencies, long errors, double seconds, String firstError,
            CpuProbe.Usage cpu) {
        int calls = latencies.size();
        return new Result(label, calls, errors, seconds, latencies.percentileMillis(50),
                latencies.percentileMillis(90), latencies.percentileMillis(99), latencies.percentileMillis(99.9),
                latencies.percentileMillis(100), calls == 0 ? Double.NaN : cpu.serviceSeconds() * 1e6 / calls,
                cpu.machineBusy(), firstError == null ? "" : firstError,
                calls == 0 ? Double.NaN : cpu.generatorSeconds() * 1e6 / calls,
                calls == 0 ? Double.NaN : cpu.machineBusy() * CORES * seconds * 1e6 / calls);
    }

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    double perSecond() {
        return calls / seconds;
    }

    /** Tab-separated, one line, for {@link Report}. */
    String line() {
        return String.format(Locale.ROOT, "%s\t%d\t%d\t%.3f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.1f\t%.3f\t%s\t%.1f\t%.1f", label,
                calls, errors, seconds, p50, p90, p99, p999, max, serviceCpuMicrosPerCall, machineBusy,
                firstError.replaceAll("[\t\r\n]", " "), generatorCpuMicrosPerCall, machineCpuMicrosPerCall);
    }

    static Result parse(String line) {
        String[] f = line.split("\t", -1);
        return new Result(f[0], Long.parseLong(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                Double.parseDouble(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9]), Double.parseDouble(f[10]),
                f.length > 11 ? f[11] : "", f.length > 12 ? Double.parseDouble(f[12]) : Double.NaN,
                f.length > 13 ? Double.parseDouble(f[13]) : Double.NaN);
    }

    /** Prints it and appends it to {@code out} (when given). */
    void report(String out) {
        System.out.printf(Locale.ROOT, "  %-34s %9.0f/s  p50 %7.2f ms  p99 %7.2f ms  max %7.1f ms  (%d calls, %d errors;"
                + " CPU us/call: service %.0f, generator %.0f, whole machine %.0f; machine %.0f%% busy)%n", label,
                perSecond(), p50, p99, max, calls, errors, serviceCpuMicrosPerCall, generatorCpuMicrosPerCall,
                machineCpuMicrosPerCall, machineBusy * 100);
        if (errors > 0) {
            System.out.println("    first error: " + firstError);
        }
        if (out == null) {
            return;
        }
        try {
            Files.writeString(Path.of(out), line() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
