package io.secureconnect.registry.config;

import io.secureconnect.common.startup.MappedSettings;
import io.secureconnect.common.startup.StartupProblem;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * The registry's rules over its typed settings ({@link RegistryConfig}, whose {@code @WithDefault}s are the only
 * defaults): each problem names the setting at fault with its allowed values. {@code main} runs them before Quarkus
 * starts ({@link #problems(SmallRyeConfigBuilder)}: one line and exit 2), and {@link SettingsCheck} at start-up where
 * {@code main} does not run (tests, dev mode).
 */
public final class RegistrySettings {

    static final String PREFIX = "secureconnect.registry.";
    private static final String PORT = "must be an integer from 1 to 65535";
    private static final String DURATION = "must be a duration such as 30s, 500ms or PT1M";
    private static final Pattern GATEWAY_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
    private static final Duration MIN_RETENTION = Duration.ofHours(1);
    /** The durations (name after {@code secureconnect.registry.}), in the order they are checked. */
    private static final Map<String, Function<RegistryConfig, Duration>> DURATIONS = new LinkedHashMap<>();
    /** The batch settings (name after {@code secureconnect.registry.}) and their smallest and largest values. */
    static final Map<String, Bounds> BATCH = new LinkedHashMap<>();

    static {
        DURATIONS.put("lease-ttl", RegistryConfig::leaseTtl);
        DURATIONS.put("resume-grace", RegistryConfig::resumeGrace);
        DURATIONS.put("heartbeat-interval", RegistryConfig::heartbeatInterval);
        DURATIONS.put("gateway-ttl", RegistryConfig::gatewayTtl);
        DURATIONS.put("sweep-interval", RegistryConfig::sweepInterval);
        DURATIONS.put("event-poll-interval", RegistryConfig::eventPollInterval);
        DURATIONS.put("history-retention", RegistryConfig::historyRetention);
        DURATIONS.put("prune-interval", RegistryConfig::pruneInterval);
        BATCH.put("batch.max", new Bounds(config -> config.batch().max(), 1, 1000));
        BATCH.put("batch.workers", new Bounds(config -> config.batch().workers(), 1, 64));
        BATCH.put("batch.queue-max", new Bounds(config -> config.batch().queueMax(), 1, 1_000_000));
    }

    private RegistrySettings() {
    }

    /** Problems with the settings {@code sources} give (from {@code main}: {@link MappedSettings#asQuarkusReadsThem}). */
    public static List<StartupProblem> problems(SmallRyeConfigBuilder sources) {
        return MappedSettings.read(sources, RegistryConfig.class, RegistrySettings::allowed)
                .then(RegistrySettings::problems, problems -> problems);
    }

    /** Problems with the typed configuration. */
    public static List<StartupProblem> problems(RegistryConfig config) {
        List<StartupProblem> problems = new ArrayList<>();
        int first = config.ports().first();
        int last = config.ports().last();
        if (first < 1 || first > 65535) {
            problems.add(problem("ports.first", String.valueOf(first), PORT));
        } else if (last < 1 || last > 65535) {
            problems.add(problem("ports.last", String.valueOf(last), PORT));
        } else if (last < first) {
            problems.add(problem("ports.last", String.valueOf(last),
                    "must be at least " + PREFIX + "ports.first (" + first + ")"));
        }
        DURATIONS.forEach((name, setting) -> {
            Duration value = setting.apply(config);
            boolean mayBeZero = name.equals("resume-grace");
            if (value.isNegative() || (!mayBeZero && value.isZero())) {
                problems.add(problem(name, value.toString(), mayBeZero ? "must be 0s or more, e.g. 30s"
                        : "must be a positive duration, e.g. 30s"));
            } else if (name.equals("history-retention") && value.compareTo(MIN_RETENTION) < 0) {
                problems.add(problem(name, value.toString(), "must be at least 1h, e.g. 7d: gateways' event streams"
                        + " and repeated releases read the recent history"));
            }
        });
        String frpGatewayId = config.frp().gatewayId();
        if (!GATEWAY_ID.matcher(frpGatewayId).matches()) {
            problems.add(problem("frp.gateway-id", frpGatewayId,
                    "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
        BATCH.forEach((name, bounds) -> {
            int value = bounds.setting().applyAsInt(config);
            if (value < bounds.min() || value > bounds.max()) {
                problems.add(problem(name, String.valueOf(value), bounds.allowed()));
            }
        });
        problems.addAll(FrpInstances.problems(config.frp()));
        return problems;
    }

    /** What a setting takes, told when its value is not even of the setting's type. */
    static Optional<String> allowed(String setting) {
        String name = setting.startsWith(PREFIX) ? setting.substring(PREFIX.length()) : setting;
        if (name.equals("ports.first") || name.equals("ports.last")) {
            return Optional.of(PORT);
        }
        if (DURATIONS.containsKey(name)) {
            return Optional.of(DURATION);
        }
        return Optional.ofNullable(BATCH.get(name)).map(Bounds::allowed);
    }

    private static StartupProblem problem(String name, String value, String reason) {
        return new StartupProblem(PREFIX + name, value, reason);
    }

    /** An integer setting with its smallest and largest value. */
    record Bounds(ToIntFunction<RegistryConfig> setting, int min, int max) {
        String allowed() {
            return "must be an integer from " + min + " to " + max;
        }
    }
}
