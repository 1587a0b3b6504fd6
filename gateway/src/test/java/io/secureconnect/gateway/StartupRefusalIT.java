package io.secureconnect.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.gateway.support.TestTls;
import io.secureconnect.testing.FreePorts;
import io.secureconnect.testing.PackagedStart;
import io.secureconnect.testing.PackagedStart.Run;
import io.secureconnect.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway refuses a bad secureconnect.gateway.* setting, given as a deployer gives it (an environment
 * variable), with one line naming it and exit status 2, before Quarkus starts.
 */
class StartupRefusalIT {

    private static final String ID = "gw-refusal";

    @TempDir
    static Path dir;
    static Map<String, String> good;

    @BeforeAll
    static void material() throws Exception {
        TestTls tls = TestTls.create(dir);
        Path verifyKey = Files.writeString(dir.resolve("verify.pem"),
                Ed25519Keys.pem(Ed25519Keys.generate().getPublic()));
        good = Map.of("SECURECONNECT_GATEWAY_ID", ID,
                "SECURECONNECT_IDENTITY_DIR", TestPki.shared().identity("gateway/" + ID).toString(),
                "QUARKUS_HTTP_PORT", String.valueOf(FreePorts.next()),
                "SECURECONNECT_GATEWAY_BIND_HOST", "127.0.0.1",
                "SECURECONNECT_GATEWAY_AGENT_PORT", "0",
                "SECURECONNECT_GATEWAY_DATA_PORT", "0",
                "SECURECONNECT_GATEWAY_PROXY_PORTS", "0",
                "SECURECONNECT_GATEWAY_TLS_CERTIFICATE", tls.certificate().toString(),
                "SECURECONNECT_GATEWAY_TLS_KEY", tls.key().toString(),
                "SECURECONNECT_GATEWAY_CREDENTIAL_VERIFY_KEY", verifyKey.toString());
    }

    @Test
    void refusesAMalformedDuration() throws Exception {
        Run run = start(Map.of("SECURECONNECT_GATEWAY_DIAL_TIMEOUT", "soon"));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.gateway.dial-timeout=soon: must be a positive duration,"
                + " e.g. 10s or 5m"), run.lines());
    }

    @Test
    void refusesAPoolSizeThatIsNotAnInteger() throws Exception {
        Run run = start(Map.of("SECURECONNECT_GATEWAY_DATA_POOL_SIZE", "many"));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.gateway.data-pool-size=many: must be an integer from 0"
                + " (parking off) to 256"), run.lines());
    }

    @Test
    void refusesAMissingCertificate() throws Exception {
        Run run = start(Map.of("SECURECONNECT_GATEWAY_TLS_CERTIFICATE", ""));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.gateway.tls.certificate=: is required: the path of the"
                + " gateway's certificate chain in PEM"), run.lines());
    }

    @Test
    void refusesAnIdThatCannotBeTheNameInItsCertificate() throws Exception {
        Run run = start(Map.of("SECURECONNECT_GATEWAY_ID", "gw one"));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.gateway.id=gw one: must match"
                + " [A-Za-z0-9][A-Za-z0-9._-]{0,62} (it is also the name in the gateway's certificate)"), run.lines());
    }

    private static Run start(Map<String, String> bad) throws Exception {
        Map<String, String> env = new HashMap<>(good);
        env.putAll(bad);
        return PackagedStart.run(dir, List.of(), env);
    }
}
