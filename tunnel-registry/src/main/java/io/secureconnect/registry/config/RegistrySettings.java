package io.secureconnect.registry.config;

import io.secureconnect.common.startup.StartupProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * Checks the registry's settings and names the first one at fault with its allowed values. Runs from
 * {@code main} before Quarkus starts (raw configuration, one line and exit 2) and again at start-up
 * ({@link SettingsCheck}, typed configuration) where {@code main} does not run.
 */
public final class RegistrySettings {

    static final String PREFIX = "secureconnect.registry.";
    private static final Pattern GATEWAY_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
    private static final Duration MIN_RETENTION = Duration.ofHours(1);
    private static final Map<String, String> DURATION_DEFAULTS = new LinkedHashMap<>();
    /** The batch settings (name after {@code secureconnect.registry.}): default, smallest and largest value. */
    static final Map<String, int[]> BATCH = new LinkedHashMap<>();

    static {
        DURATION_DEFAULTS.put("lease-ttl", "30s");
        DURATION_DEFAULTS.put("resume-grace", "30s");
        DURATION_DEFAULTS.put("heartbeat-interval", "10s");
        DURATION_DEFAULTS.put("gateway-ttl", "30s");
        DURATION_DEFAULTS.put("sweep-interval", "5s");
        DURATION_DEFAULTS.put("event-poll-interval", "250ms");
        DURATION_DEFAULTS.put("history-retention", "7d");
        DURATION_DEFAULTS.put("prune-interval", "10m");
        BATCH.put("batch.max", new int[] {64, 1, 1000});
        BATCH.put("batch.workers", new int[] {2, 1, 64});
        BATCH.put("batch.queue-max", new int[] {10_000, 1, 1_000_000});
    }

    private RegistrySettings() {
    }

    /** Problems with the typed configuration. */
    public static List<StartupProblem> problems(RegistryConfig config) {
        Map<String, Duration> durations = new LinkedHashMap<>();
        durations.put("lease-ttl", config.leaseTtl());
        durations.put("resume-grace", config.resumeGrace());
        durations.put("heartbeat-interval", config.heartbeatInterval());
        durations.put("gateway-ttl", config.gatewayTtl());
        durations.put("sweep-interval", config.sweepInterval());
        durations.put("event-poll-interval", config.eventPollInterval());
        durations.put("history-retention", config.historyRetention());
        durations.put("prune-interval", config.pruneInterval());
        Map<String, Integer> batch = new LinkedHashMap<>();
        batch.put("batch.max", config.batch().max());
        batch.put("batch.workers", config.batch().workers());
        batch.put("batch.queue-max", config.batch().queueMax());
        List<StartupProblem> problems = check(config.ports().first(), config.ports().last(), durations,
                config.frp().gatewayId(), batch);
        problems.addAll(FrpInstances.problems(config.frp()));
        return problems;
    }

    /** Problems with the raw configuration, read with the same names and defaults as {@link RegistryConfig}. */
    public static List<StartupProblem> problems(Config raw) {
        List<StartupProblem> problems = new ArrayList<>();
        Optional<Integer> first = integer(raw, "ports.first", "30000", problems);
        Optional<Integer> last = integer(raw, "ports.last", "30099", problems);
        Map<String, Duration> durations = new LinkedHashMap<>();
        DURATION_DEFAULTS.forEach((name, fallback) -> {
            String text = raw.getOptionalValue(PREFIX + name, String.class).orElse(fallback).trim();
            parseDuration(text).ifPresentOrElse(d -> durations.put(name, d), () -> problems.add(
                    problem(name, text, "must be a duration such as 30s, 500ms or PT1M")));
        });
        Map<String, Integer> batch = new LinkedHashMap<>();
        BATCH.forEach((name, range) -> {
            String text = raw.getOptionalValue(PREFIX + name, String.class).orElse(String.valueOf(range[0])).trim();
            try {
                batch.put(name, Integer.parseInt(text));
            } catch (NumberFormatException e) {
                problems.add(problem(name, text, between(range)));
            }
        });
        if (!problems.isEmpty()) {
            return problems;
        }
        problems.addAll(check(first.orElseThrow(), last.orElseThrow(), durations,
                raw.getOptionalValue(PREFIX + "frp.gateway-id", String.class).orElse("frps"), batch));
        problems.addAll(FrpInstances.problems(raw));
        return problems;
    }

    static List<StartupProblem> check(int first, int last, Map<String, Duration> durations, String frpGatewayId,
            Map<String, Integer> batch) {
        List<StartupProblem> problems = new ArrayList<>();
        if (first < 1 || first > 65535) {
            problems.add(problem("ports.first", String.valueOf(first), "must be an integer from 1 to 65535"));
        } else if (last < 1 || last > 65535) {
            problems.add(problem("ports.last", String.valueOf(last), "must be an integer from 1 to 65535"));
        } else if (last < first) {
            problems.add(problem("ports.last", String.valueOf(last),
                    "must be at least " + PREFIX + "ports.first (" + first + ")"));
        }
        durations.forEach((name, value) -> {
            boolean mayBeZero = name.equals("resume-grace");
            if (value.isNegative() || (!mayBeZero && value.isZero())) {
                problems.add(problem(name, value.toString(), mayBeZero ? "must be 0s or more, e.g. 30s"
                        : "must be a positive duration, e.g. 30s"));
            } else if (name.equals("history-retention") && value.compareTo(MIN_RETENTION) < 0) {
                problems.add(problem(name, value.toString(), "must be at least 1h, e.g. 7d: gateways' event streams"
                        + " and repeated releases read the recent history"));
            }
        });
        if (frpGatewayId == null || !GATEWAY_ID.matcher(frpGatewayId).matches()) {
            problems.add(problem("frp.gateway-id", frpGatewayId,
                    "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        batch.forEach((name, value) -> {
            int[] range = BATCH.get(name);
            if (value < range[1] || value > range[2]) {
                problems.add(problem(name, String.valueOf(value), between(range)));
            }
        });
        return problems;
    }

    private static String between(int[] range) {
        return "must be an integer from " + range[1] + " to " + range[2];
    }

    /** Quarkus's duration forms: a number of seconds, {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, ISO-8601. */
    static Optional<Duration> parseDuration(String text) {
        try {
            if (text.matches("-?\\d+")) {
                return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
            }
            if (text.matches("-?\\d+ms")) {
                return Optional.of(Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2))));
            }
            if (text.matches("-?\\d+(\\.\\d+)?[sSmMhH]")) {
                return Optional.of(Duration.parse("PT" + text.toUpperCase()));
            }
            if (text.matches("-?\\d+[dD]")) {
                return Optional.of(Duration.parse("P" + text.toUpperCase()));
            }
            return Optional.of(Duration.parse(text.toUpperCase()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> integer(Config raw, String name, String fallback, List<StartupProblem> problems) {
        String text = raw.getOptionalValue(PREFIX + name, String.class).orElse(fallback).trim();
        try {
            return Optional.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            problems.add(problem(name, text, "must be an integer from 1 to 65535"));
            return Optional.empty();
        }
    }

    private static StartupProblem problem(String name, String value, String reason) {
        return new StartupProblem(PREFIX + name, value == null ? "" : value, reason);
    }
}
