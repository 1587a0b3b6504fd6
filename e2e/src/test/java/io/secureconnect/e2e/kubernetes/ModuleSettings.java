package io.secureconnect.e2e.kubernetes;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The environment variables a module really reads, found in the repository as a reader would: every key of its
 * application.properties and every {@code ${name}} they refer to, every leaf of its {@code @ConfigMapping}
 * interfaces (and those of common, which every service and the gateway use), and for the agent, which reads its
 * environment itself, the names its SettingsParser knows. A name is the environment form of a property (MicroProfile
 * Config: every character other than a letter or digit becomes {@code _}, upper case).
 */
public final class ModuleSettings {

    static final Pattern REFERENCE = Pattern.compile("\\$\\{([a-zA-Z0-9._\\-\"]+)(?::[^}]*)?}");
    static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix\\s*=\\s*\"([^\"]+)\"");
    static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+);");
    static final Pattern AGENT_FLAG = Pattern.compile("FLAGS\\.put\\(\"([A-Z_]+)\"");

    private ModuleSettings() {
    }

    /** Environment names {@code module} reads; {@code repo} is the repository root. */
    public static Set<String> environmentNames(Path repo, String module) {
        Set<String> names = new TreeSet<>();
        Path properties = repo.resolve(module + "/src/main/resources/application.properties");
        for (String line : lines(properties)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || !trimmed.contains("=")) {
                continue;
            }
            String key = trimmed.substring(0, trimmed.indexOf('=')).trim().replaceFirst("^%[\\w-]+\\.", "");
            names.add(environmentForm(key));
            Matcher reference = REFERENCE.matcher(trimmed.substring(trimmed.indexOf('=') + 1));
            while (reference.find()) {
                names.add(environmentForm(reference.group(1)));
            }
        }
        List<Path> sourceRoots = module.equals("agent") ? List.of(repo.resolve("agent/src/main/java"))
                : List.of(repo.resolve(module + "/src/main/java"), repo.resolve("common/src/main/java"));
        for (Path root : sourceRoots) {
            for (Path source : javaFiles(root)) {
                String text = read(source);
                Matcher mapping = MAPPING.matcher(text);
                if (mapping.find()) {
                    names.addAll(mappingNames(mapping.group(1), className(source, text)));
                }
                AGENT_FLAG.matcher(text).results().forEach(flag -> names.add(flag.group(1)));
            }
        }
        if (names.contains("QUARKUS_OIDC_TENANT_ENABLED")) {
            // The realm: a Quarkus setting no file of ours names, since it is the deployer's (docs/deploy.md).
            names.add("QUARKUS_OIDC_AUTH_SERVER_URL");
        }
        return names;
    }

    /** MicroProfile Config's environment form of a property name. */
    public static String environmentForm(String property) {
        return property.replace("\"", "").replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static Set<String> mappingNames(String prefix, String className) {
        Class<?> mapping;
        try {
            mapping = Class.forName(className, false, ModuleSettings.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(className + " is not on the test class path (e2e depends on its module)", e);
        }
        if (!prefix.equals(mapping.getAnnotation(ConfigMapping.class).prefix())) {
            throw new IllegalStateException(className + ": read prefix " + prefix + " differs from its annotation");
        }
        Set<String> names = new TreeSet<>();
        collect(prefix, mapping, names);
        return names;
    }

    /** Leaves of a mapping: a method per property, a nested interface per group (kebab-case unless @WithName). */
    static void collect(String prefix, Class<?> group, Set<String> names) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers()) || method.isDefault()) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String property = prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
            Class<?> type = valueType(method.getGenericReturnType());
            if (type.isInterface() && type.getDeclaringClass() != null && type.getName().startsWith("io.secureconnect.")) {
                collect(property, type, names);
            } else {
                names.add(environmentForm(property));
            }
        }
    }

    /** The T of Optional&lt;T&gt;, else the type itself. */
    static Class<?> valueType(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == java.util.Optional.class
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> inner) {
            return inner;
        }
        return type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType() : (Class<?>) type;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    static String className(Path source, String text) {
        Matcher pkg = PACKAGE.matcher(text);
        String simple = source.getFileName().toString().replace(".java", "");
        return pkg.find() ? pkg.group(1) + "." + simple : simple;
    }

    static List<Path> javaFiles(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
