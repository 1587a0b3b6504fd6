package io.secureconnect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.secureconnect.testing.FreePorts;
import io.secureconnect.testing.LocalPostgres;
import io.secureconnect.testing.PackagedStart;
import io.secureconnect.testing.PackagedStart.Run;
import io.secureconnect.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged registry refuses a bad secureconnect.registry.* setting with one line naming it and exit status 2,
 * before Quarkus starts, from wherever a deployer sets it: an environment variable, a system property, the working
 * directory's config/application.properties under a profile.
 */
class StartupRefusalIT {


    @TempDir
    Path workingDirectory;

    @Test
    void refusesAMalformedDurationFromAnEnvironmentVariable() throws Exception {
        Run run = start(Map.of("SECURECONNECT_REGISTRY_LEASE_TTL", "soon"), List.of());
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.registry.lease-ttl=soon: must be a duration such as 30s,"
                + " 500ms or PT1M"), run.lines());
    }

    @Test
    void refusesABatchSizeThatIsNotAnInteger() throws Exception {
        Run run = start(Map.of("SECURECONNECT_REGISTRY_BATCH_MAX", "many"), List.of());
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.registry.batch.max=many: must be an integer from 1 to"
                + " 1000"), run.lines());
    }

    @Test
    void refusesAPoolThatRunsBackwardsFromASystemProperty() throws Exception {
        Run run = start(Map.of(), List.of("-Dsecureconnect.registry.ports.last=29999"));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.registry.ports.last=29999: must be at least"
                + " secureconnect.registry.ports.first (30000)"), run.lines());
    }

    @Test
    void refusesASettingOfTheActiveProfileInTheWorkingDirectorysConfig() throws Exception {
        Files.createDirectories(workingDirectory.resolve("config"));
        Files.writeString(workingDirectory.resolve("config/application.properties"),
                "%staging.secureconnect.registry.history-retention=30m\n");
        Run run = start(Map.of("QUARKUS_PROFILE", "staging"), List.of());
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.registry.history-retention=PT30M: must be at least 1h,"
                + " e.g. 7d: gateways' event streams and repeated releases read the recent history"), run.lines());
    }

    /** The registry passes the common checks (free port, a database that answers, its identity) and meets ours. */
    private Run start(Map<String, String> bad, List<String> jvmOptions) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("QUARKUS_HTTP_PORT", String.valueOf(FreePorts.next()),
                "QUARKUS_DATASOURCE_JDBC_URL", LocalPostgres.jdbcUrl("postgres"),
                "SECURECONNECT_IDENTITY_DIR", TestPki.shared().identity("service/tunnel-registry").toString(),
                // Should the check let it through after all, it fails this test without touching that database.
                "QUARKUS_FLYWAY_MIGRATE_AT_START", "false"));
        env.putAll(bad);
        return PackagedStart.run(workingDirectory, jvmOptions, env);
    }
}
