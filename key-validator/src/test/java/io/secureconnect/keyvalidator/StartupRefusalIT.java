package io.secureconnect.keyvalidator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.secureconnect.testing.FreePorts;
import io.secureconnect.testing.LocalPostgres;
import io.secureconnect.testing.TestPki;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged service refuses a wrong setting with one line naming it and exit status 2, before Quarkus starts
 * (no stack trace).
 */
class StartupRefusalIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @Test
    void refusesAPortThatIsAlreadyTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            String port = String.valueOf(taken.getLocalPort());
            Run run = start(Map.of("QUARKUS_HTTP_PORT", port,
                    "QUARKUS_DATASOURCE_JDBC_URL", LocalPostgres.jdbcUrl("postgres")));
            assertEquals(2, run.exit());
            assertEquals(List.of("startup refused: quarkus.http.port=" + port
                    + ": already in use on 0.0.0.0 (another process listens there)"), run.lines());
        }
    }

    @Test
    void refusesADatabaseThatDoesNotExist() throws Exception {
        String url = LocalPostgres.jdbcUrl("sc_no_such_database");
        Run run = start(Map.of("QUARKUS_HTTP_PORT", String.valueOf(FreePorts.next()),
                "QUARKUS_DATASOURCE_JDBC_URL", url));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: quarkus.datasource.jdbc.url=" + url
                + ": cannot connect: FATAL: database \"sc_no_such_database\" does not exist"), run.lines());
    }

    @Test
    void refusesADatabaseUrlOfAnotherKind() throws Exception {
        Run run = start(Map.of("QUARKUS_HTTP_PORT", String.valueOf(FreePorts.next()),
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:mysql://127.0.0.1/keys?password=hunter2"));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: quarkus.datasource.jdbc.url=jdbc:mysql://127.0.0.1/keys?...: "
                + "must start with jdbc:postgresql://"), run.lines());
    }

    @Test
    void refusesToStartWithoutAnIdentityOfItsOwn() throws Exception {
        Run run = start(Map.of("QUARKUS_HTTP_PORT", String.valueOf(FreePorts.next()),
                "QUARKUS_DATASOURCE_JDBC_URL", LocalPostgres.jdbcUrl("postgres")));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.identity.dir=: is not set; every gRPC caller is "
                + "authenticated by its certificate, so this process needs its own: a directory with tls.crt, "
                + "tls.key, ca.crt, truststore.p12 naming spiffe://secureconnect/service/key-validator "
                + "(scripts/lib/pki.sh issues one)"), run.lines());
    }

    @Test
    void refusesTheIdentityOfAnotherService() throws Exception {
        String other = TestPki.shared().identity("service/connector-policy").toString();
        Run run = start(Map.of("QUARKUS_HTTP_PORT", String.valueOf(FreePorts.next()),
                "QUARKUS_DATASOURCE_JDBC_URL", LocalPostgres.jdbcUrl("postgres"),
                "SECURECONNECT_IDENTITY_DIR", other));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.identity.dir=" + other + ": tls.crt names "
                + "spiffe://secureconnect/service/connector-policy but this process is "
                + "spiffe://secureconnect/service/key-validator"), run.lines());
    }

    @Test
    void refusesAnIdentityDirectoryWithoutItsKey() throws Exception {
        Path copy = Files.createTempDirectory("identity-without-key");
        Path own = TestPki.shared().identity("service/key-validator");
        for (String file : List.of("tls.crt", "ca.crt", "truststore.p12")) {
            Files.copy(own.resolve(file), copy.resolve(file));
        }
        Run run = start(Map.of("QUARKUS_HTTP_PORT", String.valueOf(FreePorts.next()),
                "QUARKUS_DATASOURCE_JDBC_URL", LocalPostgres.jdbcUrl("postgres"),
                "SECURECONNECT_IDENTITY_DIR", copy.toString()));
        assertEquals(2, run.exit());
        assertEquals(List.of("startup refused: secureconnect.identity.dir=" + copy
                + ": has no readable tls.key (needs tls.crt, tls.key, ca.crt, truststore.p12)"), run.lines());
    }

    private record Run(int exit, List<String> lines) {
    }

    private static Run start(Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("java", "-jar", JAR.toString()).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("SECURECONNECT_KEYS_PEPPER", "startup-refusal-test-pepper-0123456789abcdef");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running: " + output);
        }
        return new Run(process.exitValue(), output.lines().filter(l -> !l.isBlank()).toList());
    }
}
