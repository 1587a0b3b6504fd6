package io.secureconnect.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.gateway.support.TestTls;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins every default and shows that each bad setting ends in one line naming it and the allowed values. */
class GatewayConfigTest {

    @TempDir
    static Path dir;
    static TestTls tls;
    static Path verifyKey;

    @BeforeAll
    static void material() throws Exception {
        tls = TestTls.create(dir);
        verifyKey = dir.resolve("verify.pem");
        Files.writeString(verifyKey, Ed25519Keys.pem(Ed25519Keys.generate().getPublic()));
    }

    private static Map<String, String> required() {
        Map<String, String> settings = new HashMap<>();
        settings.put("secureconnect.gateway.tls.certificate", tls.certificate().toString());
        settings.put("secureconnect.gateway.tls.key", tls.key().toString());
        settings.put("secureconnect.gateway.credential-verify-key", verifyKey.toString());
        return settings;
    }

    @Test
    void pinsTheDefaults() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(required()).build();
        GatewayConfig gateway = config.getConfigMapping(GatewayConfig.class);

        assertEquals(8443, gateway.agentPort());
        assertEquals(8444, gateway.dataPort());
        assertEquals("30000-30099", gateway.proxyPorts());
        assertEquals("0.0.0.0", gateway.bindHost());
        assertEquals(Duration.ofSeconds(10), gateway.dialTimeout());
        assertEquals(Duration.ofMinutes(5), gateway.idleTimeout());
        assertEquals(Duration.ofSeconds(5), gateway.heartbeatInterval());
        assertEquals(8, gateway.dataPoolSize());
        assertEquals(Duration.ofMinutes(2), gateway.dataPoolIdleTimeout());
        assertTrue(gateway.dataReuse());
        assertEquals(Duration.ofSeconds(10), gateway.proxy().headTimeout());
        assertEquals(256, gateway.proxy().maxUnauthenticatedPerSource());
        assertEquals(256, gateway.proxy().maxConnectionsPerBuild());
        assertEquals(2048, gateway.proxy().maxConnectionsPerAccount());
        assertEquals(Optional.empty(), gateway.id());
        assertEquals(Optional.empty(), gateway.publicHost());
        assertEquals(Optional.empty(), gateway.agentDataHost());

        GatewaySettings settings = new GatewaySettings(gateway);
        assertEquals(100, settings.proxyPorts().size());
        assertEquals(30000, settings.proxyPorts().get(0));
        assertEquals(30099, settings.proxyPorts().get(99));
        assertEquals(settings.gatewayId(), settings.publicHost(), "the public host defaults to the id (host name)");
        assertTrue(!settings.gatewayId().isBlank());
        assertEquals(":8444", settings.agentDataEndpoint(8444),
                "agents dial the data port at their REMOTE_SERVER's host unless agent-data-host names one");
    }

    @Test
    void namesAnAgentDataHostThatIsNotAHost() {
        String allowed = ": must be a host name or IP address without a port (an IPv6 address in brackets, e.g. "
                + "[2001:db8::1])";
        assertEquals(List.of("secureconnect.gateway.agent-data-host=gw.example.com:8444" + allowed),
                problemsWith("agent-data-host", "gw.example.com:8444"));
        assertEquals(List.of("secureconnect.gateway.agent-data-host=https://gw.example.com" + allowed),
                problemsWith("agent-data-host", "https://gw.example.com"));
        assertEquals(List.of(), problemsWith("agent-data-host", "data.gw.example.com"));
        assertEquals(List.of(), problemsWith("agent-data-host", "[2001:db8::1]"));
        assertEquals(List.of(), problemsWith("agent-data-host", ""));
    }

    @Test
    void namesAnAgentDataHostTheCertificateDoesNotCover() {
        String names = ": must be a name of the certificate secureconnect.gateway.tls.certificate, which names "
                + "localhost, *.gw.example.com, 127.0.0.1, 2001:db8:0:0:0:0:0:1 (agents verify it against this host)";
        assertEquals(List.of("secureconnect.gateway.agent-data-host=data.other.example" + names),
                problemsWith("agent-data-host", "data.other.example"));
        assertEquals(List.of("secureconnect.gateway.agent-data-host=a.b.gw.example.com" + names),
                problemsWith("agent-data-host", "a.b.gw.example.com"), "a wildcard covers one label only");
        assertEquals(List.of("secureconnect.gateway.agent-data-host=203.0.113.9" + names),
                problemsWith("agent-data-host", "203.0.113.9"));
        assertEquals(List.of(), problemsWith("agent-data-host", "DATA.GW.EXAMPLE.COM"));
        assertEquals(List.of(), problemsWith("agent-data-host", "127.0.0.1"));
    }

    private static List<String> problemsWith(String setting, String value) {
        Map<String, String> settings = required();
        settings.put("secureconnect.gateway." + setting, value);
        return GatewayStartupChecks.problems(sources(settings), false);
    }

    /** The settings' sources, as main reads them before Quarkus starts. */
    private static SmallRyeConfigBuilder sources(Map<String, String> settings) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(settings, "test", 500));
    }

    @Test
    void acceptsTheRequiredSettingsWithDefaults() {
        assertEquals(List.of(), GatewayStartupChecks.problems(sources(required()), false));
    }

    @Test
    void namesAPortOutOfRange() {
        assertEquals(List.of("secureconnect.gateway.agent-port=70000: must be an integer from 0 to 65535"),
                problemsWith("agent-port", "70000"));
        assertEquals(List.of("secureconnect.gateway.data-port=x: must be an integer from 0 to 65535"),
                problemsWith("data-port", "x"));
    }

    @Test
    void namesABadProxyPortList() {
        assertEquals(List.of("secureconnect.gateway.proxy-ports=30099-30000: must be \"0\" or comma-separated ports "
                + "and ranges from 1 to 65535, e.g. 30000-30099 (range 30099-30000 runs backwards)"),
                problemsWith("proxy-ports", "30099-30000"));
        assertTrue(problemsWith("proxy-ports", "30000,abc").get(0).startsWith("secureconnect.gateway.proxy-ports="));
    }

    @Test
    void namesABadDuration() {
        assertEquals(List.of("secureconnect.gateway.dial-timeout=soon: must be a positive duration, e.g. 10s or 5m"),
                problemsWith("dial-timeout", "soon"));
        assertEquals(List.of("secureconnect.gateway.heartbeat-interval=PT0S: must be a positive duration, e.g. 10s or "
                + "5m"), problemsWith("heartbeat-interval", "0s"));
    }

    @Test
    void namesABadHandOverTimeoutAndTakesZeroForNone() {
        assertEquals(List.of("secureconnect.gateway.hand-over-timeout=PT-1S: must be 0 or a positive duration, e.g. "
                + "10s"), problemsWith("hand-over-timeout", "-1s"));
        assertEquals(List.of("secureconnect.gateway.hand-over-timeout=whenever: must be 0 or a positive duration, "
                + "e.g. 10s"), problemsWith("hand-over-timeout", "whenever"));
        assertEquals(List.of(), problemsWith("hand-over-timeout", "0s"));
    }

    @Test
    void namesABadDataPoolSetting() {
        assertEquals(List.of("secureconnect.gateway.data-pool-size=-1: must be an integer from 0 (parking off) to 256"),
                problemsWith("data-pool-size", "-1"));
        assertEquals(List.of("secureconnect.gateway.data-pool-size=many: must be an integer from 0 (parking off) to "
                + "256"), problemsWith("data-pool-size", "many"));
        assertEquals(List.of("secureconnect.gateway.data-pool-size=257: must be an integer from 0 (parking off) to "
                + "256"), problemsWith("data-pool-size", "257"));
        assertEquals(List.of("secureconnect.gateway.data-pool-idle-timeout=PT0S: must be a positive duration, e.g. "
                + "10s or 5m"), problemsWith("data-pool-idle-timeout", "0s"));
        assertEquals(List.of(), problemsWith("data-pool-size", "0"));
    }

    @Test
    void namesABadProxyLimit() {
        assertEquals(List.of("secureconnect.gateway.proxy.head-timeout=PT0S: must be a positive duration, e.g. 10s or "
                + "5m"), problemsWith("proxy.head-timeout", "0s"));
        assertEquals(List.of("secureconnect.gateway.proxy.head-timeout=later: must be a positive duration, e.g. 10s "
                + "or 5m"), problemsWith("proxy.head-timeout", "later"));
        assertEquals(List.of("secureconnect.gateway.proxy.max-unauthenticated-per-source=0: must be an integer from 1 "
                + "to 1000000"), problemsWith("proxy.max-unauthenticated-per-source", "0"));
        assertEquals(List.of("secureconnect.gateway.proxy.max-connections-per-build=-5: must be an integer from 1 to "
                + "1000000"), problemsWith("proxy.max-connections-per-build", "-5"));
        assertEquals(List.of("secureconnect.gateway.proxy.max-connections-per-account=lots: must be an integer from 1 "
                + "to 1000000"), problemsWith("proxy.max-connections-per-account", "lots"));
        assertEquals(List.of("secureconnect.gateway.proxy.max-connections-per-account=1000001: must be an integer "
                + "from 1 to 1000000"), problemsWith("proxy.max-connections-per-account", "1000001"));
        assertEquals(List.of(), problemsWith("proxy.max-connections-per-build", "1"));
    }

    @Test
    void refusesABadProxyLimitInTheTypedSettingsToo() {
        Map<String, String> settings = required();
        settings.put("secureconnect.gateway.proxy.max-connections-per-build", "0");
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(settings).build();

        SettingException e = assertThrows(SettingException.class,
                () -> new GatewaySettings(config.getConfigMapping(GatewayConfig.class)));
        assertEquals("secureconnect.gateway.proxy.max-connections-per-build=0: must be an integer from 1 to 1000000",
                e.getMessage());
    }

    @Test
    void namesAMissingOrUnusableFile() throws Exception {
        Map<String, String> settings = required();
        settings.remove("secureconnect.gateway.tls.certificate");
        assertEquals(List.of("secureconnect.gateway.tls.certificate=: is required: the path of the gateway's "
                + "certificate chain in PEM"), GatewayStartupChecks.problems(sources(settings), false));
        assertEquals(List.of("secureconnect.gateway.tls.key=/nonexistent.pem: must be a readable PEM file"),
                problemsWith("tls.key", "/nonexistent.pem"));
        Path notAKey = dir.resolve("not-a-key.pem");
        Files.writeString(notAKey, "hello");
        assertEquals(List.of("secureconnect.gateway.credential-verify-key=" + notAKey
                + ": must be an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----)"),
                problemsWith("credential-verify-key", notAKey.toString()));
        assertTrue(problemsWith("tls.certificate", notAKey.toString()).get(0)
                .startsWith("secureconnect.gateway.tls.certificate=" + notAKey + ": must be a PEM certificate chain"));
    }

    @Test
    void namesAPortAlreadyInUse() throws Exception {
        try (var taken = io.secureconnect.testing.FreePorts.occupy()) {
            Map<String, String> settings = required();
            settings.put("secureconnect.gateway.bind-host", "127.0.0.1");
            settings.put("secureconnect.gateway.data-port", String.valueOf(taken.getLocalPort()));
            settings.put("secureconnect.gateway.agent-port", "0");
            settings.put("secureconnect.gateway.proxy-ports", "0");
            List<String> problems = GatewayStartupChecks.problems(sources(settings), true);
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).startsWith("secureconnect.gateway.data-port=" + taken.getLocalPort()),
                    problems.get(0));
        }
    }

    @Test
    void refusesTooManyProxyPorts() {
        SettingException e = assertThrows(SettingException.class, () -> PortList.parse("p", "1-2000"));
        assertEquals("p=1-2000: must name at most 1024 ports", e.getMessage());
        assertEquals(List.of(0), PortList.parse("p", "0"));
        assertEquals(List.of(30000, 30001, 30005), PortList.parse("p", "30000-30001, 30005"));
    }

    @Test
    void namesAValueQuarkusCouldNotReadAsItsType() {
        assertEquals(List.of("secureconnect.gateway.idle-timeout=: must be a positive duration, e.g. 10s or 5m"),
                problemsWith("idle-timeout", ""));
        assertEquals(List.of("secureconnect.gateway.revocation-max-staleness=5 minutes: must be a positive duration, "
                + "e.g. 10s or 5m"), problemsWith("revocation-max-staleness", "5 minutes"));
        assertEquals(List.of("secureconnect.gateway.proxy.max-unauthenticated-per-source=1e3: must be an integer from 1"
                + " to 1000000"), problemsWith("proxy.max-unauthenticated-per-source", "1e3"));
        assertEquals(List.of("secureconnect.gateway.agent-port=8443.0: must be an integer from 0 to 65535"),
                problemsWith("agent-port", "8443.0"));
        assertEquals(List.of(), problemsWith("dial-timeout", " 2s "));
    }

    @Test
    void namesAGatewayIdThatCannotBeTheNameInItsCertificate() {
        assertEquals(List.of("secureconnect.gateway.id=gw one: must match [A-Za-z0-9][A-Za-z0-9._-]{0,62} (it is also"
                + " the name in the gateway's certificate)"), problemsWith("id", "gw one"));
        assertEquals(List.of(), problemsWith("id", "gw-a.eu_1"));
    }
}
