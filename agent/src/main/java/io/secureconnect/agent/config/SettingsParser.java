package io.secureconnect.agent.config;

import io.secureconnect.agent.dial.Allowlist;
import io.secureconnect.agent.net.HostPort;
import io.secureconnect.agent.net.ProxySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads the agent's settings from environment variables and {@code --flags} (flags win), the way the product
 * page documents them. Works before any framework is up: plain maps, no config library. The first bad setting
 * becomes a {@link BadSettingException} whose line names the setting and the allowed values, and never shows a
 * secret (the API key, proxy credentials).
 */
public final class SettingsParser {

    /** Environment variable -> flag, in the order they are checked. */
    static final Map<String, String> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("REMOTE_PORT", "--remote-port");
        FLAGS.put("REMOTE_SERVER", "--remote-server");
        FLAGS.put("API_KEY", "--api-key");
        FLAGS.put("API_KEY_FILE", "--api-key-file");
        FLAGS.put("ALLOW", "--allow");
        FLAGS.put("GATEWAY_CA", "--gateway-ca");
        FLAGS.put("HTTPS_PROXY", "--https-proxy");
        FLAGS.put("DRAIN_TIMEOUT", "--drain-timeout");
        FLAGS.put("IDLE_TIMEOUT", "--idle-timeout");
    }

    private static final String PORT_RANGE = "must be an integer from " + AgentSettings.MIN_PORT + " to "
            + AgentSettings.MAX_PORT;
    private static final String SERVER_FORM = "must be host[:port] of the gateway's agent endpoint"
            + " (port 1-65535, default " + AgentSettings.DEFAULT_GATEWAY_PORT + ")";
    private static final String ALLOW_FORM = "each comma-separated entry must be a host (git.corp.example),"
            + " a wildcard (*.corp.example) or a CIDR (10.0.0.0/8, fd00::/8), optionally with :port";
    private static final String CA_FORM = "must be a readable PEM file of CA certificates";
    private static final String PROXY_FORM = "must be http://[user:password@]host[:port] (default port 3128)";

    private SettingsParser() {
    }

    /** One setting as given: its name as the user wrote it (env var or flag) and its raw value. */
    private record Given(String name, String value) {
        String shown() {
            return name + "=" + value;
        }
    }

    public static AgentSettings parse(Map<String, String> env, List<String> args) throws BadSettingException {
        Map<String, Given> given = merge(env, args);
        int port = remotePort(required(given, "REMOTE_PORT", PORT_RANGE));
        HostPort server = remoteServer(required(given, "REMOTE_SERVER", SERVER_FORM));
        String apiKey = apiKey(given.get("API_KEY"), given.get("API_KEY_FILE"));
        Allowlist allow = allow(given.get("ALLOW"));
        Optional<Path> ca = gatewayCa(given.get("GATEWAY_CA"));
        Optional<ProxySettings> proxy = httpsProxy(given.get("HTTPS_PROXY"));
        Duration drain = seconds(given.get("DRAIN_TIMEOUT"), 0, 3600, AgentSettings.DEFAULT_DRAIN_TIMEOUT);
        Duration idle = seconds(given.get("IDLE_TIMEOUT"), 1, 86400, AgentSettings.DEFAULT_IDLE_TIMEOUT);
        return new AgentSettings(port, server, apiKey, allow, ca, proxy, drain, idle);
    }

    /** What {@code --help} prints. */
    public static String usage() {
        return "usage: java -jar agent-runner.jar [--remote-port=N] [--remote-server=host[:port]] [--api-key=... | --api-key-file=path]"
                + " [--allow=list] [--gateway-ca=file.pem] [--https-proxy=http://host:port]"
                + " [--drain-timeout=seconds] [--idle-timeout=seconds]\n"
                + "Each flag may instead be given as an environment variable: "
                + String.join(", ", FLAGS.keySet()) + " (flags win).";
    }

    private static Map<String, Given> merge(Map<String, String> env, List<String> args) throws BadSettingException {
        Map<String, Given> given = new LinkedHashMap<>();
        for (String name : FLAGS.keySet()) {
            String value = env.get(name);
            if (value == null && name.equals("HTTPS_PROXY")) {
                value = env.get("https_proxy");
            }
            if (value != null) {
                given.put(name, new Given(name, value));
            }
        }
        Map<String, String> byFlag = FLAGS.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getValue, Map.Entry::getKey));
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int equals = arg.indexOf('=');
            String flag = equals < 0 ? arg : arg.substring(0, equals);
            String name = byFlag.get(flag.toLowerCase(Locale.ROOT));
            if (name == null) {
                throw new BadSettingException(flag + ": unknown flag; known flags: "
                        + String.join(", ", FLAGS.values()) + ", --help");
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                throw new BadSettingException(flag + ": needs a value (" + flag + "=<value>)");
            }
            given.put(name, new Given(flag, value));
        }
        return given;
    }

    private static Given required(Map<String, Given> given, String name, String allowed) throws BadSettingException {
        Given value = given.get(name);
        if (value == null || value.value().isBlank()) {
            throw new BadSettingException(name + ": is not set; " + allowed);
        }
        return value;
    }

    private static int remotePort(Given given) throws BadSettingException {
        String text = given.value().strip();
        if (!text.isEmpty() && text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int port = Integer.parseInt(text);
            if (port >= AgentSettings.MIN_PORT && port <= AgentSettings.MAX_PORT) {
                return port;
            }
        }
        throw new BadSettingException(given.shown() + ": " + PORT_RANGE);
    }

    private static HostPort remoteServer(Given given) throws BadSettingException {
        return HostPort.parse(given.value().strip(), AgentSettings.DEFAULT_GATEWAY_PORT)
                .orElseThrow(() -> new BadSettingException(given.shown() + ": " + SERVER_FORM));
    }

    /**
     * The key, from API_KEY or from the file API_KEY_FILE names (what a Kubernetes Secret or a Compose volume
     * mounts), one of the two. The key is a secret: a line names the setting (and the file), never the key.
     */
    private static String apiKey(Given inline, Given file) throws BadSettingException {
        if (inline != null && file != null) {
            throw new BadSettingException(inline.name() + " and " + file.name() + ": set one of them, not both");
        }
        if (file == null) {
            String name = inline == null ? "API_KEY" : inline.name();
            return tokenShaped(inline == null ? null : inline.value(), name + ": must not be empty",
                    name + ": is not a Secure Connect token (pat./sat. prefix)");
        }
        Path path = Path.of(file.value().strip());
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new BadSettingException(file.shown() + ": no such file; it must hold the agent's API key");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BadSettingException(file.shown() + ": cannot be read (" + e.getClass().getSimpleName()
                    + "); it must hold the agent's API key");
        }
        return tokenShaped(text, file.shown() + ": the file is empty; it must hold the agent's API key",
                file.shown() + ": the file holds no Secure Connect token (pat./sat. prefix)");
    }

    private static String tokenShaped(String value, String whenEmpty, String whenNotAToken)
            throws BadSettingException {
        if (value == null || value.isBlank()) {
            throw new BadSettingException(whenEmpty);
        }
        String key = value.strip();
        String[] parts = key.split("\\.", -1);
        boolean tokenShape = parts.length == 4 && (parts[0].equals("pat") || parts[0].equals("sat"))
                && java.util.Arrays.stream(parts).noneMatch(String::isEmpty)
                && key.chars().allMatch(c -> c > 0x20 && c < 0x7f);
        if (!tokenShape) {
            throw new BadSettingException(whenNotAToken);
        }
        return key;
    }

    private static Allowlist allow(Given given) throws BadSettingException {
        if (given == null) {
            return Allowlist.allowAll();
        }
        try {
            return Allowlist.parse(given.value());
        } catch (IllegalArgumentException e) {
            throw new BadSettingException(given.shown() + ": " + e.getMessage() + "; " + ALLOW_FORM);
        }
    }

    private static Optional<Path> gatewayCa(Given given) throws BadSettingException {
        if (given == null || given.value().isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(given.value().strip());
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new BadSettingException(given.shown() + ": no such file; " + CA_FORM);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new BadSettingException(given.shown() + ": cannot read it (" + e.getClass().getSimpleName()
                    + "); " + CA_FORM);
        }
        try {
            if (PemCertificates.parse(text).isEmpty()) {
                throw new BadSettingException(given.shown() + ": holds no PEM certificate; " + CA_FORM);
            }
        } catch (java.security.cert.CertificateException e) {
            throw new BadSettingException(given.shown() + ": holds a certificate that does not parse; " + CA_FORM);
        }
        return Optional.of(path);
    }

    private static Optional<ProxySettings> httpsProxy(Given given) throws BadSettingException {
        if (given == null || given.value().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(ProxySettings.parse(given.value().strip()).orElseThrow(() -> new BadSettingException(
                given.name() + "=" + ProxySettings.redact(given.value().strip()) + ": " + PROXY_FORM)));
    }

    private static Duration seconds(Given given, int min, int max, Duration fallback) throws BadSettingException {
        if (given == null || given.value().isBlank()) {
            return fallback;
        }
        String text = given.value().strip();
        if (text.length() <= 6 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int seconds = Integer.parseInt(text);
            if (seconds >= min && seconds <= max) {
                return Duration.ofSeconds(seconds);
            }
        }
        throw new BadSettingException(given.shown() + ": must be an integer number of seconds from " + min
                + " to " + max);
    }
}
