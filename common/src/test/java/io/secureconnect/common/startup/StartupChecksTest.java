package io.secureconnect.common.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StartupChecksTest {

    @Test
    void refusesAPortThatIsAlreadyTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = String.valueOf(taken.getLocalPort());
            Optional<StartupProblem> problem = StartupChecks.portIsFree("quarkus.http.port", "127.0.0.1", port);
            assertTrue(problem.isPresent());
            assertEquals("startup refused: quarkus.http.port=" + port
                    + ": already in use on 127.0.0.1 (another process listens there)", problem.get().line());
        }
    }

    @Test
    void acceptsAFreePortAndPortZero() throws Exception {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = probe.getLocalPort();
        }
        assertFalse(StartupChecks.portIsFree("p", "127.0.0.1", String.valueOf(free)).isPresent());
        assertFalse(StartupChecks.portIsFree("p", "127.0.0.1", "0").isPresent());
    }

    @Test
    void refusesAPortThatIsNotANumberOrOutOfRange() {
        for (String bad : new String[] {"80a", "-1", "65536", ""}) {
            Optional<StartupProblem> problem = StartupChecks.portIsFree("quarkus.http.port", "127.0.0.1", bad);
            assertTrue(problem.isPresent(), bad);
            assertEquals("must be an integer from 0 to 65535", problem.get().reason());
        }
    }

    @Test
    void refusesAMissingDatabaseUrl() {
        Optional<StartupProblem> problem = StartupChecks.databaseAnswers("quarkus.datasource.jdbc.url", null, "u", "p");
        assertEquals("is not set; give jdbc:postgresql://host:port/database", problem.orElseThrow().reason());
    }

    @Test
    void refusesAUrlOfAnotherDatabaseKind() {
        Optional<StartupProblem> problem =
                StartupChecks.databaseAnswers("quarkus.datasource.jdbc.url", "jdbc:mysql://h/db", "u", "p");
        assertEquals("must start with jdbc:postgresql://", problem.orElseThrow().reason());
    }

    @Test
    void neverShowsTheQueryOfAUrlBecauseItMayHoldAPassword() {
        assertEquals("jdbc:postgresql://h/db?...", StartupChecks.withoutQuery("jdbc:postgresql://h/db?password=s3cret"));
        Optional<StartupProblem> problem = StartupChecks.databaseAnswers("quarkus.datasource.jdbc.url",
                "jdbc:mysql://h/db?password=s3cret", "u", "p");
        assertFalse(problem.orElseThrow().line().contains("s3cret"));
    }
}
