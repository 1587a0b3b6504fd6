package io.secureconnect.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.secureconnect.common.credential.Ed25519Keys;
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
 * The packaged connector-policy refuses a bad secureconnect.policy.* setting, given as a deployer gives it (an
 * environment variable), with one line naming it and exit status 2, before Quarkus starts.
 */
class StartupRefusalIT {


    @TempDir
    Path dir;

    @Test
    void refusesAMalformedDuration() throws Exception {
        Run run = start(Map.of("SECURECONNECT_POLICY_DEPENDENCY_TIMEOUT", "2 seconds"));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.policy.dependency-timeout=2 seconds: must be a duration"
                + " such as PT6H, 6h or 90s"), run.lines());
    }

    @Test
    void refusesASwitchThatIsNeitherTrueNorFalse() throws Exception {
        Run run = start(Map.of("SECURECONNECT_POLICY_OIDC_ENABLED", "maybe"));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.policy.oidc.enabled=maybe: must be true or false"),
                run.lines());
    }

    /** connector-policy passes the common checks (free port, a database that answers, its identity) and meets ours. */
    private Run start(Map<String, String> bad) throws Exception {
        Path key = Files.writeString(dir.resolve("signing-key.pem"),
                Ed25519Keys.pem(Ed25519Keys.generate().getPrivate()));
        Map<String, String> env = new HashMap<>(Map.of("QUARKUS_HTTP_PORT", String.valueOf(FreePorts.next()),
                "QUARKUS_DATASOURCE_JDBC_URL", LocalPostgres.jdbcUrl("postgres"),
                "SECURECONNECT_IDENTITY_DIR", TestPki.shared().identity("service/connector-policy").toString(),
                "SECURECONNECT_POLICY_CREDENTIAL_SIGNING_KEY_FILE", key.toString(),
                // Should the check let it through after all, it fails this test without touching that database.
                "QUARKUS_FLYWAY_MIGRATE_AT_START", "false"));
        env.putAll(bad);
        return PackagedStart.run(dir, List.of(), env);
    }
}
