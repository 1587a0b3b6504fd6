package io.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/deploy.md names every setting a deployer can give: each {@code secureconnect.*} property of every
 * {@code @ConfigMapping} interface (read from the sources: prefix, nested groups, maps of groups as {@code <id>},
 * method names in kebab-case or their {@code @WithName}) and of every module's application.properties (profiles
 * other than prod left out), with its environment variable, and each
 * agent setting of {@code SettingsParser.FLAGS} with its flag. A setting added without a line in the guide fails here.
 */
class DeployGuideTest {

    static final Path REPO = Path.of("").toAbsolutePath().getParent(); // tests run in e2e/
    static final Path GUIDE = REPO.resolve("docs/deploy.md");
    static final List<String> MODULES = List.of("common", "key-validator", "tunnel-registry", "connector-policy",
            "gateway", "agent");

    private static final Pattern MAPPING = Pattern.compile(
            "@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)[^{]*?interface\\s+(\\w+)", Pattern.DOTALL);
    private static final Pattern INTERFACE = Pattern.compile("(?:public\\s+|static\\s+)*interface\\s+(\\w+)[^{;]*\\{");
    private static final Pattern METHOD = Pattern.compile(
            "((?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*)([\\w.]+(?:<[^;(){}]*>)?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\\s*\"([^\"]+)\"\\s*\\)");
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\(\\s*\"([^\"]*)\"\\s*\\)");
    private static final Pattern PROPERTY_LINE = Pattern.compile(
            "^\\s*#?\\s*(?:%prod\\.)?(secureconnect\\.[a-z0-9.-]+)\\s*=", Pattern.MULTILINE);
    private static final Pattern FLAG = Pattern.compile("FLAGS\\.put\\(\"(\\w+)\",\\s*\"(--[\\w-]+)\"\\)");

    @Test
    void documentsEverySecureConnectPropertyWithItsEnvironmentVariable() {
        String guide = read(GUIDE);
        TreeSet<String> properties = new TreeSet<>(mappedProperties());
        properties.addAll(applicationProperties());

        List<String> missing = new ArrayList<>();
        for (String property : properties) {
            if (!guide.contains("`" + property + "`")) {
                missing.add(property);
            }
            if (!guide.contains("`" + environmentVariable(property) + "`")) {
                missing.add(environmentVariable(property));
            }
        }
        assertEquals(List.of(), missing, "settings missing from docs/deploy.md (write each in backticks)");
    }

    @Test
    void statesEachDefaultAsTheCodeDeclaresIt() {
        String guide = read(GUIDE);
        List<String> wrong = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, String> setting : mappedDefaults().entrySet()) {
            Matcher row = Pattern.compile("^\\| `" + Pattern.quote(setting.getKey()) + "` \\|[^|\\n]*\\|([^|\\n]*)\\|",
                    Pattern.MULTILINE).matcher(guide);
            if (setting.getValue() == null || !row.find()) {
                continue;
            }
            compared++;
            if (!row.group(1).contains("`" + setting.getValue() + "`")) {
                wrong.add(setting.getKey() + ": @WithDefault(\"" + setting.getValue() + "\"), the guide says"
                        + row.group(1).stripTrailing());
            }
        }
        assertTrue(compared >= 40, "only " + compared + " defaults compared");
        assertEquals(List.of(), wrong, "defaults in docs/deploy.md that differ from the code");
    }

    @Test
    void documentsEveryAgentSettingWithItsFlag() {
        String guide = read(GUIDE);
        Map<String, String> flags = agentFlags();
        assertTrue(flags.keySet().containsAll(List.of("REMOTE_PORT", "REMOTE_SERVER", "API_KEY")), flags.toString());

        List<String> missing = new ArrayList<>();
        flags.forEach((env, flag) -> {
            if (!guide.contains("`" + env + "`")) {
                missing.add(env);
            }
            if (!guide.contains("`" + flag + "`")) {
                missing.add(flag);
            }
        });
        assertEquals(List.of(), missing, "agent settings missing from docs/deploy.md");
    }

    @Test
    void readsTheConfigMappingsItChecks() {
        List<String> found = mappedProperties();
        // A parser that finds nothing would pass the check above vacuously.
        assertTrue(found.size() >= 70, "only " + found.size() + " properties found: " + found);
        assertTrue(found.containsAll(List.of("secureconnect.keys.pepper",
                "secureconnect.keys.rate-limit.per-key.window", "secureconnect.registry.frp.path-secret",
                "secureconnect.policy.oidc.key-encryption-key", "secureconnect.gateway.credential-verify-key",
                "secureconnect.gateway.proxy.max-connections-per-build", "secureconnect.gateway.tls.key",
                "secureconnect.gateway.agent-data-host", "secureconnect.service-token.client-secret",
                "secureconnect.oidc.account-claim")), found.toString());
        assertTrue(applicationProperties().contains("secureconnect.identity.dir"));
    }

    @Test
    void namesPropertiesInKebabCase() {
        assertEquals("max-connections-per-build", kebab("maxConnectionsPerBuild"));
        assertEquals("SECURECONNECT_KEYS_RATE_LIMIT_PER_KEY_WINDOW",
                environmentVariable("secureconnect.keys.rate-limit.per-key.window"));
    }

    @Test
    void isLinkedFromTheReadmes() {
        for (String readme : List.of("README.md", "connector-policy/README.md", "gateway/README.md",
                "agent/README.md")) {
            assertTrue(read(REPO.resolve(readme)).contains("docs/deploy.md"), readme + " links the guide");
        }
    }

    /** Every property of every {@code @ConfigMapping} interface in the modules' main sources. */
    static List<String> mappedProperties() {
        return new ArrayList<>(mappedDefaults().keySet());
    }

    /** Every mapped property and its {@code @WithDefault} (null when it has none). */
    static Map<String, String> mappedDefaults() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Path source : configMappingSources()) {
            String text = withoutComments(read(source));
            Matcher mapping = MAPPING.matcher(text);
            if (!mapping.find()) {
                continue;
            }
            Map<String, List<String[]>> members = members(text);
            expand(mapping.group(1) + ".", mapping.group(2), members, properties);
        }
        return properties;
    }

    private static void expand(String prefix, String type, Map<String, List<String[]>> members,
            Map<String, String> out) {
        for (String[] member : members.getOrDefault(type, List.of())) {
            String returned = member[0].replaceAll("^Optional<(.*)>$", "$1");
            String name = member[1];
            Matcher map = Pattern.compile("Map<\\s*String\\s*,\\s*(\\w+)\\s*>").matcher(returned);
            if (map.matches() && members.containsKey(map.group(1))) {
                expand(prefix + name + ".<id>.", map.group(1), members, out); // a named group per key
            } else if (members.containsKey(returned)) {
                expand(prefix + name + ".", returned, members, out);
            } else {
                out.put(prefix + name, member[2]);
            }
        }
    }

    /** Interface name -> its abstract no-argument methods as {return type, property name, default or null}. */
    private static Map<String, List<String[]>> members(String text) {
        Map<String, List<String[]>> members = new HashMap<>();
        Deque<String> scopes = new ArrayDeque<>(); // "" for a brace that is not an interface
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                i = text.indexOf('"', i + 1) + 1;
                continue;
            }
            Matcher opened = INTERFACE.matcher(text).region(i, text.length());
            if (opened.lookingAt()) {
                scopes.push(opened.group(1));
                members.putIfAbsent(opened.group(1), new ArrayList<>());
                i = opened.end();
                continue;
            }
            if (c == '{') {
                scopes.push("");
            } else if (c == '}') {
                scopes.pop();
            } else if (!scopes.isEmpty() && !scopes.peek().isEmpty()
                    && (i == 0 || !Character.isJavaIdentifierPart(text.charAt(i - 1)))) {
                Matcher method = METHOD.matcher(text).region(i, text.length());
                if (method.lookingAt() && !method.group(2).equals("return")) {
                    Matcher named = WITH_NAME.matcher(method.group(1));
                    String property = named.find() ? named.group(1) : kebab(method.group(3));
                    Matcher fallback = WITH_DEFAULT.matcher(method.group(1));
                    members.get(scopes.peek()).add(new String[] {method.group(2), property,
                            fallback.find() ? fallback.group(1) : null});
                    i = method.end();
                    continue;
                }
            }
            i++;
        }
        return members;
    }

    /** {@code secureconnect.*} keys set or shown (commented) in the modules' application.properties. */
    static List<String> applicationProperties() {
        List<String> properties = new ArrayList<>();
        for (String module : MODULES) {
            Path file = REPO.resolve(module).resolve("src/main/resources/application.properties");
            if (Files.exists(file)) {
                Matcher line = PROPERTY_LINE.matcher(read(file));
                while (line.find()) {
                    properties.add(line.group(1));
                }
            }
        }
        return properties;
    }

    static Map<String, String> agentFlags() {
        Map<String, String> flags = new LinkedHashMap<>();
        Matcher put = FLAG.matcher(read(REPO.resolve(
                "agent/src/main/java/io/secureconnect/agent/config/SettingsParser.java")));
        while (put.find()) {
            flags.put(put.group(1), put.group(2));
        }
        return flags;
    }

    private static List<Path> configMappingSources() {
        List<Path> sources = new ArrayList<>();
        for (String module : MODULES) {
            Path root = REPO.resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(path -> path.toString().endsWith(".java"))
                        .filter(path -> read(path).contains("@ConfigMapping("))
                        .forEach(sources::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sources;
    }

    static String kebab(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    static String environmentVariable(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9<>]", "_");
    }

    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)^\\s*//.*$", "");
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
