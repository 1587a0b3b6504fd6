package io.secureconnect.common.startup;

import io.quarkus.runtime.configuration.ConfigUtils;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a service's {@code @ConfigMapping} from {@code main}, before Quarkus starts, the way Quarkus will read it: the
 * same sources, profile and converters, and the defaults of the mapping's {@code @WithDefault}, stated nowhere else.
 * A value Quarkus could not convert (or a required one that is missing) becomes a {@link StartupProblem} naming the
 * setting; a mapping that reads goes to the service's one rule set, which also runs at Quarkus start-up.
 */
public final class MappedSettings {

    private static final Pattern PROPERTY = Pattern.compile("property (\\S+)");
    private static final Pattern VALUE = Pattern.compile("with the config value \"(.*)\" threw");
    private static final Pattern REQUIRED = Pattern.compile("SRCFG00014:");
    private static final Pattern CONVERTED = Pattern.compile("whilst being converted (.*)$");
    private static final Pattern CODE = Pattern.compile("^(?:[\\w.$]+: )?SRCFG\\d+: ");

    private MappedSettings() {
    }

    /**
     * The configuration {@code main} has before Quarkus starts ({@code ConfigProvider.getConfig()} then): system
     * properties, environment variables (e.g. {@code SECURECONNECT_REGISTRY_LEASE_TTL}), {@code .env},
     * {@code config/application.properties} in the working directory, {@code application.properties} on the class
     * path, the active profile ({@code quarkus.profile}, {@code %prod.} by default) and Quarkus's converters.
     */
    public static SmallRyeConfigBuilder asQuarkusReadsThem() {
        return ConfigUtils.configBuilder();
    }

    /**
     * Reads {@code mapping} from {@code sources}. {@code allowed} says, for a setting whose value Quarkus cannot
     * convert, what the setting takes; a setting it does not know is told SmallRye's reason.
     */
    public static <T> Reading<T> read(SmallRyeConfigBuilder sources, Class<T> mapping,
            Function<String, Optional<String>> allowed) {
        try {
            // Durations in Quarkus's forms (30s, 500ms, 2d, PT1M) also where the sources come without Quarkus's
            // converters; unknown names under the prefix are left alone, as Quarkus leaves them (it only warns).
            return new Read<>(sources.withConverter(Duration.class, 200, new DurationConverter())
                    .withMapping(mapping).withValidateUnknown(false).build().getConfigMapping(mapping));
        } catch (ConfigValidationException e) {
            List<StartupProblem> problems = new ArrayList<>();
            for (int i = 0; i < e.getProblemCount(); i++) {
                problems.add(problem(e.getProblem(i).getMessage(), mapping, allowed));
            }
            return new Unreadable<>(problems);
        } catch (IllegalArgumentException | NoSuchElementException e) {
            return new Unreadable<>(List.of(problem(String.valueOf(e.getMessage()), mapping, allowed)));
        }
    }

    /** SmallRye's message names the property and, for a value it could not convert, the value. */
    static StartupProblem problem(String message, Class<?> mapping, Function<String, Optional<String>> allowed) {
        Matcher property = PROPERTY.matcher(message);
        if (!property.find()) {
            return new StartupProblem(mapping.getAnnotation(ConfigMapping.class).prefix() + ".*", "",
                    CODE.matcher(message).replaceFirst(""));
        }
        String setting = property.group(1);
        Matcher value = VALUE.matcher(message);
        Matcher converted = CONVERTED.matcher(message);
        String reason = REQUIRED.matcher(message).find() ? "is required"
                : converted.find() ? "cannot be read: " + CODE.matcher(converted.group(1)).replaceFirst("")
                : CODE.matcher(message).replaceFirst("");
        return new StartupProblem(setting, value.find() ? value.group(1) : "", allowed.apply(setting).orElse(reason));
    }

    /** The mapping, read; or why it could not be. */
    public sealed interface Reading<T> permits Read, Unreadable {

        /** {@code read} of the settings, or {@code unreadable} of the problems reading them. */
        <R> R then(Function<T, R> read, Function<List<StartupProblem>, R> unreadable);
    }

    public record Read<T>(T settings) implements Reading<T> {
        @Override
        public <R> R then(Function<T, R> read, Function<List<StartupProblem>, R> unreadable) {
            return read.apply(settings);
        }
    }

    /** One problem per setting SmallRye could not read. */
    public record Unreadable<T>(List<StartupProblem> problems) implements Reading<T> {
        @Override
        public <R> R then(Function<T, R> read, Function<List<StartupProblem>, R> unreadable) {
            return unreadable.apply(problems);
        }
    }
}
