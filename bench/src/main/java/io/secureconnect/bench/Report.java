package io.secureconnect.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the results of one run as a table, the ratios ours/baseline ({@code --compare=ours|baseline,...}) and
 * the targets ({@code --targets=label:p99<=2,label:rate>=5000,...}; metrics rate, p50, p99).
 */
public final class Report {

    private Report() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Map<String, Result> results = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(args.get("in")))) {
            if (!line.isBlank()) {
                Result result = Result.parse(line);
                results.put(result.label(), result);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "| %-34s | %10s | %9s | %9s | %9s | %9s | %7s | %13s | %12s |%n", "figure", "calls/s",
                "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "svc CPU us/op", "machine busy");
        System.out.println("|" + "-".repeat(36) + "|" + "-".repeat(12) + "|" + "-".repeat(11) + "|" + "-".repeat(11)
                + "|" + "-".repeat(11) + "|" + "-".repeat(11) + "|" + "-".repeat(9) + "|" + "-".repeat(15) + "|"
                + "-".repeat(14) + "|");
        for (Result r : results.values()) {
            System.out.printf(Locale.ROOT, "| %-34s | %10.0f | %9.2f | %9.2f | %9.2f | %9.1f | %7d | %13.0f | %11.0f%% |%n",
                    r.label(), r.perSecond(), r.p50(), r.p90(), r.p99(), r.max(), r.errors(),
                    r.serviceCpuMicrosPerCall(), r.machineBusy() * 100);
        }
        String compare = args.get("compare", "");
        if (!compare.isEmpty()) {
            System.out.println();
            for (String pair : compare.split(",")) {
                String[] names = pair.split("\\|");
                Result ours = require(results, names[0]);
                Result base = require(results, names[1]);
                System.out.printf(Locale.ROOT, "%s / %s: throughput %.3gx, p50 %.3gx, p99 %.3gx (latency: lower is better)%n",
                        ours.label(), base.label(), ours.perSecond() / base.perSecond(), ours.p50() / base.p50(),
                        ours.p99() / base.p99());
                if (Double.isNaN(ours.serviceCpuMicrosPerCall()) || Double.isNaN(base.serviceCpuMicrosPerCall())) {
                    continue;
                }
                System.out.printf(Locale.ROOT, "    service CPU per call: %.0f us vs %.0f us (%.3gx)%n",
                        ours.serviceCpuMicrosPerCall(), base.serviceCpuMicrosPerCall(),
                        ours.serviceCpuMicrosPerCall() / base.serviceCpuMicrosPerCall());
            }
        }
        String targets = args.get("targets", "");
        if (!targets.isEmpty()) {
            System.out.println();
            for (String target : targets.split(",")) {
                System.out.println(check(results, target));
            }
        }
    }

    private static String check(Map<String, Result> results, String target) {
        int colon = target.lastIndexOf(':');
        Result result = require(results, target.substring(0, colon));
        String rule = target.substring(colon + 1);
        boolean atMost = rule.contains("<=");
        String[] parts = rule.split(atMost ? "<=" : ">=");
        double limit = Double.parseDouble(parts[1]);
        double value = switch (parts[0]) {
            case "rate" -> result.perSecond();
            case "p50" -> result.p50();
            case "p99" -> result.p99();
            default -> throw new IllegalArgumentException("unknown metric " + parts[0]);
        };
        boolean met = atMost ? value <= limit : value >= limit;
        String unit = parts[0].equals("rate") ? "/s" : " ms";
        return String.format(Locale.ROOT, "target %-45s %s (measured %.2f%s%s)", result.label() + " " + rule,
                met ? "MET" : "MISSED", value, unit,
                met ? "" : String.format(Locale.ROOT, ", %.2fx the target", value / limit));
    }

    private static Result require(Map<String, Result> results, String label) {
        Result result = results.get(label);
        if (result == null) {
            throw new IllegalArgumentException("no result labelled '" + label + "' in this run");
        }
        return result;
    }
}
