package io.secureconnect.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.DurationConverter;
import io.secureconnect.common.startup.MappedSettings;
import io.secureconnect.common.startup.StartupProblem;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry's settings: defaults pinned, and each bad value named with its allowed values. */
class RegistrySettingsTest {

    /** The settings' sources, as main reads them before Quarkus starts. */
    private static SmallRyeConfigBuilder config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(values, "test", 500));
    }

    private static String firstProblem(Map<String, String> values) {
        List<StartupProblem> problems = RegistrySettings.problems(config(values));
        assertTrue(!problems.isEmpty(), "expected a problem with " + values);
        return problems.get(0).line();
    }

    @Test
    void pinsEveryDefault() {
        RegistryConfig defaults = new SmallRyeConfigBuilder().withMapping(RegistryConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()).build()
                .getConfigMapping(RegistryConfig.class);
        assertEquals(30000, defaults.ports().first());
        assertEquals(30099, defaults.ports().last());
        assertEquals(Duration.ofSeconds(30), defaults.leaseTtl());
        assertEquals(Duration.ofSeconds(30), defaults.resumeGrace());
        assertEquals(Duration.ofSeconds(10), defaults.heartbeatInterval());
        assertEquals(Duration.ofSeconds(30), defaults.gatewayTtl());
        assertEquals(Duration.ofSeconds(5), defaults.sweepInterval());
        assertEquals(Duration.ofMillis(250), defaults.eventPollInterval());
        assertEquals(Duration.ofDays(7), defaults.historyRetention());
        assertEquals(Duration.ofMinutes(10), defaults.pruneInterval());
        assertEquals("frps", defaults.frp().gatewayId());
        assertEquals("127.0.0.1:7000", defaults.frp().agentEndpoint());
        assertEquals("127.0.0.1", defaults.frp().proxyHost());
        assertEquals(64, defaults.batch().max());
        assertEquals(2, defaults.batch().workers());
        assertEquals(10_000, defaults.batch().queueMax());
        assertEquals(List.of(), RegistrySettings.problems(defaults));
        assertEquals(List.of(), RegistrySettings.problems(config(Map.of())));
    }

    @Test
    void namesAPortPoolThatIsNotOne() {
        assertEquals("startup refused: secureconnect.registry.ports.first=abc: must be an integer from 1 to 65535",
                firstProblem(Map.of("secureconnect.registry.ports.first", "abc")));
        assertEquals("startup refused: secureconnect.registry.ports.first=0: must be an integer from 1 to 65535",
                firstProblem(Map.of("secureconnect.registry.ports.first", "0")));
        assertEquals("startup refused: secureconnect.registry.ports.last=65536: must be an integer from 1 to 65535",
                firstProblem(Map.of("secureconnect.registry.ports.last", "65536")));
        assertEquals("startup refused: secureconnect.registry.ports.last=29999: must be at least "
                + "secureconnect.registry.ports.first (30000)",
                firstProblem(Map.of("secureconnect.registry.ports.last", "29999")));
    }

    @Test
    void acceptsAMovedPoolWhichIsTheOneDefinitionOfTheRange() {
        Map<String, String> values = Map.of("secureconnect.registry.ports.first", "31000",
                "secureconnect.registry.ports.last", "31009");
        assertEquals(List.of(), RegistrySettings.problems(config(values)));
        RegistryConfig moved = new SmallRyeConfigBuilder().withMapping(RegistryConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 500)).build()
                .getConfigMapping(RegistryConfig.class);
        assertEquals(List.of(), RegistrySettings.problems(moved));
        assertEquals(31000, moved.ports().first());
        assertEquals(31009, moved.ports().last());
    }

    @Test
    void namesDurationsThatAreNotPositive() {
        assertEquals("startup refused: secureconnect.registry.lease-ttl=soon: must be a duration such as 30s, 500ms"
                + " or PT1M", firstProblem(Map.of("secureconnect.registry.lease-ttl", "soon")));
        assertEquals("startup refused: secureconnect.registry.lease-ttl=PT0S: must be a positive duration, e.g. 30s",
                firstProblem(Map.of("secureconnect.registry.lease-ttl", "0s")));
        assertEquals("startup refused: secureconnect.registry.resume-grace=PT-1S: must be 0s or more, e.g. 30s",
                firstProblem(Map.of("secureconnect.registry.resume-grace", "-1s")));
        assertEquals("startup refused: secureconnect.registry.history-retention=forever: must be a duration such as"
                + " 30s, 500ms or PT1M", firstProblem(Map.of("secureconnect.registry.history-retention", "forever")));
        assertEquals("startup refused: secureconnect.registry.history-retention=PT59M: must be at least 1h, e.g. 7d:"
                + " gateways' event streams and repeated releases read the recent history",
                firstProblem(Map.of("secureconnect.registry.history-retention", "59m")));
        assertEquals("startup refused: secureconnect.registry.prune-interval=PT0S: must be a positive duration,"
                + " e.g. 30s", firstProblem(Map.of("secureconnect.registry.prune-interval", "0")));
        assertEquals(List.of(), RegistrySettings.problems(config(Map.of("secureconnect.registry.history-retention",
                "1h", "secureconnect.registry.prune-interval", "30s"))));
        assertEquals(List.of(), RegistrySettings.problems(config(Map.of("secureconnect.registry.resume-grace", "0s",
                "secureconnect.registry.event-poll-interval", "100ms", "secureconnect.registry.lease-ttl", "PT1M"))));
    }

    @Test
    void refusesAShortFrpPathSecretWithoutShowingIt() {
        assertEquals("startup refused: secureconnect.registry.frp.path-secret=<hidden, 6 characters>: must be 32 to 128"
                + " of A-Z a-z 0-9 _ - (e.g. openssl rand -hex 32), or unset to turn the frp plugin endpoint off",
                firstProblem(Map.of("secureconnect.registry.frp.path-secret", "hunter")));
        assertTrue(firstProblem(Map.of("secureconnect.registry.frp.path-secret", "a/b" + "x".repeat(40)))
                .contains("<hidden, 43 characters>"));
        assertTrue(RegistrySettings.problems(config(Map.of("secureconnect.registry.frp.path-secret",
                "0123456789abcdef0123456789abcdef"))).isEmpty(), "32 hex characters are a good secret");
    }

    @Test
    void refusesBadFrpsInstancesWithoutShowingTheirSecrets() {
        String good = "0123456789abcdef0123456789abcdef";
        String other = "fedcba9876543210fedcba9876543210";
        assertTrue(RegistrySettings.problems(config(Map.of("secureconnect.registry.frp.path-secret", good,
                "secureconnect.registry.frp.instances.eu-1.path-secret", other))).isEmpty(), "two instances");
        String badId = firstProblem(Map.of("secureconnect.registry.frp.instances.EU_1.path-secret", other));
        assertTrue(badId.startsWith("startup refused: secureconnect.registry.frp.instances.EU_1.path-secret=<hidden>:"
                + " the frps instance id 'EU_1' must be 1-31 of a-z 0-9 -"), badId);
        String shadowsDefault = firstProblem(Map.of("secureconnect.registry.frp.path-secret", good,
                "secureconnect.registry.frp.instances.default.path-secret", other));
        assertTrue(shadowsDefault.contains("not 'default' while secureconnect.registry.frp.path-secret is set"),
                shadowsDefault);
        String shared = firstProblem(Map.of("secureconnect.registry.frp.path-secret", good,
                "secureconnect.registry.frp.instances.eu-1.path-secret", good));
        assertEquals("startup refused: secureconnect.registry.frp.instances.eu-1.path-secret=<hidden>: must differ from"
                + " the path secret of frps instance default: the path secret is what tells the instances apart", shared);
        String shortOne = firstProblem(Map.of("secureconnect.registry.frp.instances.eu-1.path-secret", "hunter2"));
        assertTrue(shortOne.contains("<hidden, 7 characters>: must be 32 to 128"), shortOne);
        for (String line : List.of(badId, shadowsDefault, shared, shortOne)) {
            assertTrue(!line.contains(good) && !line.contains(other) && !line.contains("hunter2"), line);
        }
    }

    @Test
    void aPathSecretNamesItsOwnFrpsInstanceAndNoOther() {
        List<FrpInstance> instances = List.of(
                new FrpInstance("default", "frps", "0123456789abcdef0123456789abcdef", "frps:7000", "frps"),
                new FrpInstance("eu-1", "frps-eu-1", "fedcba9876543210fedcba9876543210", "frps:7000", "frps"));
        assertEquals("eu-1", FrpInstances.match(instances, "fedcba9876543210fedcba9876543210").orElseThrow().id());
        assertEquals("default", FrpInstances.match(instances, "0123456789abcdef0123456789abcdef").orElseThrow().id());
        assertTrue(FrpInstances.match(instances, "0123456789abcdef0123456789abcde").isEmpty(), "a prefix is no secret");
        assertTrue(FrpInstances.match(instances, null).isEmpty());
        assertTrue(FrpInstances.match(List.of(), "0123456789abcdef0123456789abcdef").isEmpty(), "endpoint off");
    }

    @Test
    void namesABadFrpGatewayId() {
        assertEquals("startup refused: secureconnect.registry.frp.gateway-id=frps one: must be 1-128 letters, digits,"
                + " '.', '_' or '-', starting with a letter or digit",
                firstProblem(Map.of("secureconnect.registry.frp.gateway-id", "frps one")));
    }

    @Test
    void namesBatchSettingsOutsideTheirRange() {
        assertEquals("startup refused: secureconnect.registry.batch.max=0: must be an integer from 1 to 1000",
                firstProblem(Map.of("secureconnect.registry.batch.max", "0")));
        assertEquals("startup refused: secureconnect.registry.batch.max=1001: must be an integer from 1 to 1000",
                firstProblem(Map.of("secureconnect.registry.batch.max", "1001")));
        assertEquals("startup refused: secureconnect.registry.batch.workers=two: must be an integer from 1 to 64",
                firstProblem(Map.of("secureconnect.registry.batch.workers", "two")));
        assertEquals("startup refused: secureconnect.registry.batch.workers=65: must be an integer from 1 to 64",
                firstProblem(Map.of("secureconnect.registry.batch.workers", "65")));
        assertEquals("startup refused: secureconnect.registry.batch.queue-max=0: must be an integer from 1 to 1000000",
                firstProblem(Map.of("secureconnect.registry.batch.queue-max", "0")));
        assertEquals(List.of(), RegistrySettings.problems(config(Map.of("secureconnect.registry.batch.max", "1",
                "secureconnect.registry.batch.workers", "64", "secureconnect.registry.batch.queue-max", "1000000"))));
    }

    @Test
    void namesABadBatchSettingInTheTypedConfigurationToo() {
        RegistryConfig config = new SmallRyeConfigBuilder().withMapping(RegistryConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("secureconnect.registry.batch.workers", "0"), "test", 500))
                .build().getConfigMapping(RegistryConfig.class);
        assertEquals("startup refused: secureconnect.registry.batch.workers=0: must be an integer from 1 to 64",
                RegistrySettings.problems(config).get(0).line());
    }

    @Test
    void namesAValueQuarkusCouldNotReadAsItsType() {
        assertEquals("startup refused: secureconnect.registry.lease-ttl=: must be a duration such as 30s, 500ms or PT1M",
                firstProblem(Map.of("secureconnect.registry.lease-ttl", "")));
        assertEquals("startup refused: secureconnect.registry.sweep-interval=5 seconds: must be a duration such as 30s,"
                + " 500ms or PT1M", firstProblem(Map.of("secureconnect.registry.sweep-interval", "5 seconds")));
        assertEquals("startup refused: secureconnect.registry.batch.queue-max=1e4: must be an integer from 1 to 1000000",
                firstProblem(Map.of("secureconnect.registry.batch.queue-max", "1e4")));
        assertEquals("startup refused: secureconnect.registry.ports.last=30099.5: must be an integer from 1 to 65535",
                firstProblem(Map.of("secureconnect.registry.ports.last", "30099.5")));
        assertEquals(List.of(), RegistrySettings.problems(config(Map.of("secureconnect.registry.lease-ttl", "2d",
                "secureconnect.registry.gateway-ttl", " 45s ", "secureconnect.registry.batch.max", " 10 "))));
    }

    @Test
    void namesAnFrpsInstanceWithoutItsPathSecret() {
        assertEquals("startup refused: secureconnect.registry.frp.instances.eu-1.path-secret=: is required",
                firstProblem(Map.of("secureconnect.registry.frp.instances.eu-1.agent-endpoint", "frps-eu:7000")));
    }

    @Test
    void readsTheSettingsAsQuarkusWillWhereMainChecksThem() {
        String name = "secureconnect.registry.batch.workers";
        System.setProperty(name, "two");
        try {
            List<StartupProblem> problems = RegistrySettings.problems(MappedSettings.asQuarkusReadsThem());
            assertEquals(List.of("startup refused: secureconnect.registry.batch.workers=two: must be an integer from 1"
                    + " to 64"), problems.stream().map(StartupProblem::line).toList());
            System.setProperty(name, "3");
            assertEquals(List.of(), RegistrySettings.problems(MappedSettings.asQuarkusReadsThem()));
        } finally {
            System.clearProperty(name);
        }
    }
}
