package io.secureconnect.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.agent.net.HostPort;
import io.secureconnect.agent.net.ProxySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad value of every setting ends in exactly one line naming it and the allowed values; defaults pinned. */
class SettingsParserTest {

    static final String KEY = "pat.acct1.tok1.SeCrEtVaLuE";
    static final String PORT_RULE = "must be an integer from 1 to 65535";
    static final String SERVER_RULE =
            "must be host[:port] of the gateway's agent endpoint (port 1-65535, default 8443)";
    static final String ALLOW_RULE = "each comma-separated entry must be a host (git.corp.example), a wildcard"
            + " (*.corp.example) or a CIDR (10.0.0.0/8, fd00::/8), optionally with :port";
    static final String CA_RULE = "must be a readable PEM file of CA certificates";
    static final String PROXY_RULE = "must be http://[user:password@]host[:port] (default port 3128)";

    @TempDir
    Path dir;

    static Map<String, String> valid() {
        Map<String, String> env = new HashMap<>();
        env.put("REMOTE_PORT", "30001");
        env.put("REMOTE_SERVER", "sc.example.com");
        env.put("API_KEY", KEY);
        return env;
    }

    static Map<String, String> with(String name, String value) {
        Map<String, String> env = valid();
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return env;
    }

    static String lineFor(Map<String, String> env, String... args) {
        BadSettingException e = assertThrows(BadSettingException.class,
                () -> SettingsParser.parse(env, List.of(args)));
        assertFalse(e.line().contains("\n"), "one line");
        return e.line();
    }

    @Test
    void pinsTheDefaults() throws Exception {
        AgentSettings settings = SettingsParser.parse(valid(), List.of());
        assertEquals(30001, settings.remotePort());
        assertEquals(new HostPort("sc.example.com", 8443), settings.remoteServer());
        assertEquals(KEY, settings.apiKey());
        assertTrue(settings.allow().allowsAll());
        assertEquals(Optional.empty(), settings.gatewayCa());
        assertEquals(Optional.empty(), settings.httpsProxy());
        assertEquals(Duration.ofSeconds(30), settings.drainTimeout());
        assertEquals(Duration.ofSeconds(900), settings.idleTimeout());
        assertFalse(settings.toString().contains("SeCrEt"), "toString hides the key");
    }

    @Test
    void letsFlagsWinOverEnvironmentVariables() throws Exception {
        AgentSettings settings = SettingsParser.parse(valid(), List.of("--remote-port=30099",
                "--remote-server", "[fd00::1]:9443", "--allow=*.corp.example:443", "--drain-timeout=5"));
        assertEquals(30099, settings.remotePort());
        assertEquals(new HostPort("fd00::1", 9443), settings.remoteServer());
        assertEquals("*.corp.example:443", settings.allow().toString());
        assertEquals(Duration.ofSeconds(5), settings.drainTimeout());
    }

    @Test
    void readsAllSettingsFromFlagsAlone() throws Exception {
        AgentSettings settings = SettingsParser.parse(Map.of(), List.of("--remote-port=30000",
                "--remote-server=10.1.2.3:443", "--api-key=" + KEY, "--https-proxy=http://proxy.corp:8080"));
        assertEquals(30000, settings.remotePort());
        assertEquals(new HostPort("10.1.2.3", 443), settings.remoteServer());
        assertEquals(new HostPort("proxy.corp", 8080), settings.httpsProxy().orElseThrow().address());
    }

    @Test
    void acceptsAnyPortOfTheProtocolBecauseTheGatewayKnowsThePool() throws Exception {
        for (int port : new int[] {1, 29999, 30100, 31005, 65535}) {
            assertEquals(port, SettingsParser.parse(valid(), List.of("--remote-port=" + port)).remotePort());
        }
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("REMOTE_PORT", null, "REMOTE_PORT: is not set; " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "", "REMOTE_PORT: is not set; " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "0", "REMOTE_PORT=0: " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "65536", "REMOTE_PORT=65536: " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "99999", "REMOTE_PORT=99999: " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "123456", "REMOTE_PORT=123456: " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "+30001", "REMOTE_PORT=+30001: " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "0x7531", "REMOTE_PORT=0x7531: " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "abc", "REMOTE_PORT=abc: " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "-30001", "REMOTE_PORT=-30001: " + PORT_RULE),
                Arguments.of("REMOTE_PORT", "30001.5", "REMOTE_PORT=30001.5: " + PORT_RULE),
                Arguments.of("REMOTE_SERVER", null, "REMOTE_SERVER: is not set; " + SERVER_RULE),
                Arguments.of("REMOTE_SERVER", "https://sc.example.com",
                        "REMOTE_SERVER=https://sc.example.com: " + SERVER_RULE),
                Arguments.of("REMOTE_SERVER", "sc.example.com:0", "REMOTE_SERVER=sc.example.com:0: " + SERVER_RULE),
                Arguments.of("REMOTE_SERVER", "sc.example.com:70000",
                        "REMOTE_SERVER=sc.example.com:70000: " + SERVER_RULE),
                Arguments.of("REMOTE_SERVER", "sc.example.com:", "REMOTE_SERVER=sc.example.com:: " + SERVER_RULE),
                Arguments.of("REMOTE_SERVER", "fd00::1:8443", "REMOTE_SERVER=fd00::1:8443: " + SERVER_RULE),
                Arguments.of("REMOTE_SERVER", "bad host", "REMOTE_SERVER=bad host: " + SERVER_RULE),
                Arguments.of("API_KEY", null, "API_KEY: must not be empty"),
                Arguments.of("API_KEY", "  ", "API_KEY: must not be empty"),
                Arguments.of("API_KEY", "SeCrEt-but-no-prefix",
                        "API_KEY: is not a Secure Connect token (pat./sat. prefix)"),
                Arguments.of("API_KEY", "pat.only-two.SeCrEt",
                        "API_KEY: is not a Secure Connect token (pat./sat. prefix)"),
                Arguments.of("API_KEY", "xat.acct.tok.SeCrEt",
                        "API_KEY: is not a Secure Connect token (pat./sat. prefix)"),
                Arguments.of("ALLOW", "git.corp,,10.0.0.0/8", "ALLOW=git.corp,,10.0.0.0/8: entry 2 is empty; "
                        + ALLOW_RULE),
                Arguments.of("ALLOW", "10.0.0.0/33", "ALLOW=10.0.0.0/33: entry '10.0.0.0/33' is not valid; "
                        + ALLOW_RULE),
                Arguments.of("ALLOW", "git.corp:0", "ALLOW=git.corp:0: entry 'git.corp:0' is not valid; "
                        + ALLOW_RULE),
                Arguments.of("ALLOW", "*.", "ALLOW=*.: entry '*.' is not valid; " + ALLOW_RULE),
                Arguments.of("ALLOW", "git*.corp", "ALLOW=git*.corp: entry 'git*.corp' is not valid; "
                        + ALLOW_RULE),
                Arguments.of("ALLOW", "https://git.corp", "ALLOW=https://git.corp: entry 'https://git.corp' is not"
                        + " valid; " + ALLOW_RULE),
                Arguments.of("GATEWAY_CA", "/nonexistent/ca.pem", "GATEWAY_CA=/nonexistent/ca.pem: no such file; "
                        + CA_RULE),
                Arguments.of("HTTPS_PROXY", "socks5://proxy:1080", "HTTPS_PROXY=socks5://proxy:1080: " + PROXY_RULE),
                Arguments.of("HTTPS_PROXY", "http://user:SeCrEtPw@proxy:99999",
                        "HTTPS_PROXY=http://***@proxy:99999: " + PROXY_RULE),
                Arguments.of("HTTPS_PROXY", "http://proxy:3128/path", "HTTPS_PROXY=http://proxy:3128/path: "
                        + PROXY_RULE),
                Arguments.of("DRAIN_TIMEOUT", "-1", "DRAIN_TIMEOUT=-1: must be an integer number of seconds from 0"
                        + " to 3600"),
                Arguments.of("DRAIN_TIMEOUT", "30s", "DRAIN_TIMEOUT=30s: must be an integer number of seconds from"
                        + " 0 to 3600"),
                Arguments.of("IDLE_TIMEOUT", "0", "IDLE_TIMEOUT=0: must be an integer number of seconds from 1 to"
                        + " 86400"));
    }

    @ParameterizedTest(name = "{0}={1} -> {2}")
    @MethodSource("badValues")
    void refusesABadValueWithOneLineNamingTheSettingAndItsAllowedValues(String name, String value, String line) {
        String shown = lineFor(with(name, value));
        assertEquals(line, shown);
        assertFalse(shown.contains("SeCrEt"), "never shows a secret");
    }

    @Test
    void namesTheFlagWhenTheBadValueCameFromAFlag() {
        assertEquals("--remote-port=0: " + PORT_RULE, lineFor(valid(), "--remote-port=0"));
        assertEquals("--api-key: is not a Secure Connect token (pat./sat. prefix)",
                lineFor(valid(), "--api-key=SeCrEt"));
    }

    @Test
    void refusesAnUnknownFlagAndAFlagWithoutAValue() {
        assertEquals("--remote-prot: unknown flag; known flags: --remote-port, --remote-server, --api-key,"
                + " --api-key-file, --allow, --gateway-ca, --https-proxy, --drain-timeout, --idle-timeout, --help",
                lineFor(valid(), "--remote-prot=30001"));
        assertEquals("--remote-port: needs a value (--remote-port=<value>)", lineFor(valid(), "--remote-port"));
    }

    @Test
    void readsTheKeyFromApiKeyFileAsASecretMountsIt() throws Exception {
        Path file = Files.writeString(dir.resolve("api-key"), KEY + "\n");
        AgentSettings settings = SettingsParser.parse(fileOnly(file), List.of());
        assertEquals(KEY, settings.apiKey());
    }

    @Test
    void refusesABadApiKeyFileWithOneLineThatNeverShowsItsContent() throws Exception {
        Path missing = dir.resolve("missing");
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        Path noToken = Files.writeString(dir.resolve("no-token"), "SeCrEt-but-no-prefix\n");
        Map<String, String> both = with("API_KEY_FILE", noToken.toString());
        assertEquals("API_KEY and API_KEY_FILE: set one of them, not both", lineFor(both));
        assertEquals("API_KEY_FILE=" + missing + ": no such file; it must hold the agent's API key",
                lineFor(fileOnly(missing)));
        assertEquals("API_KEY_FILE=" + empty + ": the file is empty; it must hold the agent's API key",
                lineFor(fileOnly(empty)));
        String line = lineFor(fileOnly(noToken));
        assertEquals("API_KEY_FILE=" + noToken + ": the file holds no Secure Connect token (pat./sat. prefix)", line);
        assertFalse(line.contains("SeCrEt"), "never shows the file's content");
        assertEquals("API_KEY_FILE=" + dir + ": cannot be read (IOException); it must hold the agent's API key",
                lineFor(fileOnly(dir)));
    }

    static Map<String, String> fileOnly(Path file) {
        Map<String, String> env = with("API_KEY", null);
        env.put("API_KEY_FILE", file.toString());
        return env;
    }

    @Test
    void refusesAGatewayCaFileWithoutACertificate() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        assertEquals("GATEWAY_CA=" + empty + ": holds no PEM certificate; " + CA_RULE,
                lineFor(with("GATEWAY_CA", empty.toString())));
        Path broken = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertEquals("GATEWAY_CA=" + broken + ": holds a certificate that does not parse; " + CA_RULE,
                lineFor(with("GATEWAY_CA", broken.toString())));
    }

    @Test
    void readsProxyCredentialsButNeverShowsThem() throws Exception {
        AgentSettings settings = SettingsParser.parse(with("HTTPS_PROXY", "http://svc%40corp:p+ss%3Aword@proxy.corp"),
                List.of());
        ProxySettings proxy = settings.httpsProxy().orElseThrow();
        assertEquals(new HostPort("proxy.corp", 3128), proxy.address());
        assertEquals("svc@corp", proxy.username().orElseThrow());
        assertEquals("p+ss:word", proxy.password().orElseThrow());
        assertEquals("http://***@proxy.corp:3128", proxy.toString());
        assertFalse(settings.toString().contains("p+ss"));
    }

    @Test
    void takesTheLowerCaseProxyVariableWhenTheUpperCaseOneIsMissing() throws Exception {
        AgentSettings settings = SettingsParser.parse(with("https_proxy", "proxy.corp:8080"), List.of());
        assertEquals(new HostPort("proxy.corp", 8080), settings.httpsProxy().orElseThrow().address());
    }
}
