package io.secureconnect.e2e.load;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The size of one load run, from system properties (Maven passes {@code -D} on to the test JVM): {@code load.tunnels}
 * (default 10), {@code load.connections} per tunnel (default 100), {@code load.duration} (ISO-8601, default PT60S;
 * {@code -Dload.duration=PT30M} is the soak). The defaults keep the whole test within CI's ~3 minutes. A value out of
 * range fails the test at once with the setting's name and what it allows, rather than running something else.
 */
record LoadSettings(int tunnels, int connectionsPerTunnel, Duration duration) {

    static final int DEFAULT_TUNNELS = 10;
    static final int DEFAULT_CONNECTIONS = 100;
    static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);

    static LoadSettings fromSystemProperties() {
        return new LoadSettings(
                integer("load.tunnels", DEFAULT_TUNNELS, 1, 50),
                integer("load.connections", DEFAULT_CONNECTIONS, 1, 500),
                duration("load.duration", DEFAULT_DURATION));
    }

    int connections() {
        return tunnels * connectionsPerTunnel;
    }

    /** A soak: longer than the CI default, asked for on purpose. */
    boolean soak() {
        return duration.compareTo(DEFAULT_DURATION) > 0;
    }

    private static int integer(String name, int fallback, int min, int max) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw new IllegalArgumentException("-D" + name + "=" + value + ": must be an integer from " + min + " to "
                + max);
    }

    private static Duration duration(String name, Duration fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            Duration parsed = Duration.parse(value.trim());
            if (parsed.compareTo(Duration.ofSeconds(10)) >= 0 && parsed.compareTo(Duration.ofHours(24)) <= 0) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // the message below says what is allowed
        }
        throw new IllegalArgumentException("-D" + name + "=" + value + ": must be an ISO-8601 duration from PT10S to "
                + "PT24H, e.g. PT30M");
    }
}
