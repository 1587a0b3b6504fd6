package io.secureconnect.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.grpc.Status;
import io.secureconnect.agent.support.FakeGateway;
import io.secureconnect.agent.support.TestPki;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import io.secureconnect.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real uber-jar ({@code java -jar agent-runner.jar}) as a process: start-up refusals (one line, exit 2),
 * then against the in-test {@link FakeGateway} (the real gateway pairing is covered by the e2e suite): health,
 * giving up with exit 1 on a revoked key, and the drain on SIGTERM.
 */
class AgentJarIT {

    private static final String API_KEY = "pat.acct-it." + UUID.randomUUID() + ".SeCrEt" + UUID.randomUUID();
    private static final List<String> SETTINGS = List.of("REMOTE_PORT", "REMOTE_SERVER", "API_KEY", "ALLOW",
            "GATEWAY_CA", "HTTPS_PROXY", "https_proxy", "DRAIN_TIMEOUT", "IDLE_TIMEOUT");

    @TempDir
    static Path dir;
    static TestPki pki;

    private Process process;
    private int healthPort;
    private Path log;

    @BeforeAll
    static void material() throws Exception {
        pki = TestPki.create(dir);
    }

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertFalse(output().contains(API_KEY), "the agent printed its API key:\n" + output());
        assertFalse(output().contains("SeCrEt"), "the agent printed (part of) its API key:\n" + output());
    }

    private Process run(Map<String, String> env, String... args) throws IOException {
        healthPort = FreePorts.next();
        Path jar = Path.of(System.getProperty("agent.jar", "target/agent-runner.jar"));
        assertTrue(Files.isRegularFile(jar), "the uber-jar exists at " + jar);
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + healthPort, "-jar", jar.toString()));
        command.addAll(List.of(args));
        // To a file, not a pipe: the JDK closes a child's pipe at exit and a reader may lose the last lines.
        log = Files.createTempFile(dir, "agent", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeAll(SETTINGS);
        builder.environment().putAll(env);
        process = builder.start();
        return process;
    }

    /** What the agent printed so far (stdout and stderr). */
    private String output() {
        try {
            return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int exitCode(Duration timeout) throws InterruptedException {
        assertTrue(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS), "the agent exited:\n" + output());
        return process.exitValue();
    }

    private void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(output().contains(text), "no '" + text + "' in:\n" + output());
    }

    @Test
    void refusesAPortOutsideTheProtocolWithOneLineAndExitCode2() throws Exception {
        run(Map.of("REMOTE_PORT", "65536", "REMOTE_SERVER", "sc.example.com", "API_KEY", API_KEY));
        assertEquals(2, exitCode(Duration.ofSeconds(30)));
        assertEquals("REMOTE_PORT=65536: must be an integer from 1 to 65535\n", output());
    }

    @Test
    void refusesAKeyThatIsNoTokenWithoutPrintingIt() throws Exception {
        run(Map.of("REMOTE_PORT", "30001", "REMOTE_SERVER", "sc.example.com", "API_KEY", "SeCrEt-no-prefix"));
        assertEquals(2, exitCode(Duration.ofSeconds(30)));
        assertEquals("API_KEY: is not a Secure Connect token (pat./sat. prefix)\n", output());
    }

    @Test
    void refusesABadFlagThatOverridesAGoodVariable() throws Exception {
        run(Map.of("REMOTE_PORT", "30001", "REMOTE_SERVER", "sc.example.com", "API_KEY", API_KEY),
                "--remote-server=https://sc.example.com");
        assertEquals(2, exitCode(Duration.ofSeconds(30)));
        assertEquals("--remote-server=https://sc.example.com: must be host[:port] of the gateway's agent endpoint"
                + " (port 1-65535, default 8443)\n", output());
    }

    @Test
    void connectsReportsReadyAndGivesUpWithExitCode1WhenTheKeyIsRevoked() throws Exception {
        try (FakeGateway gateway = new FakeGateway(pki)) {
            run(Map.of("REMOTE_PORT", "30042", "REMOTE_SERVER", "127.0.0.1:" + gateway.port(), "API_KEY", API_KEY,
                    "GATEWAY_CA", pki.caPem().toString()));
            FakeGateway.Session session = gateway.nextSession(Duration.ofSeconds(30));
            assertNotNull(session, "the agent connected:\n" + output());
            assertEquals(30042, session.next(AgentMessage.KindCase.HELLO, Duration.ofSeconds(10))
                    .getHello().getRemotePort());
            assertEquals(API_KEY, session.headers().get(Metadata.Key.of("x-api-key",
                    Metadata.ASCII_STRING_MARSHALLER)));
            session.welcome("tun-it", 30042, false, Duration.ofSeconds(1));
            awaitOutput("connected: port 30042 via gateway gw-test (tunnel tun-it, resumed=false)",
                    Duration.ofSeconds(10));

            HttpResponse<String> health = awaitReady(healthPort);
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("\"tunnel\"") && health.body().contains("tun-it"), health.body());

            session.goodbye(GoodbyeReason.GOODBYE_REASON_KEY_REVOKED, "the API key was revoked", false,
                    Status.UNAUTHENTICATED);
            assertEquals(1, exitCode(Duration.ofSeconds(20)));
            assertTrue(output().contains("giving up: KEY_REVOKED: the API key was revoked"), output());
        }
    }

    @Test
    void saysInOneLineAndReportsNotReadyWhenItCannotOpenDataConnections() throws Exception {
        int closedPort = FreePorts.next();
        try (FakeGateway gateway = new FakeGateway(pki)) {
            run(Map.of("REMOTE_PORT", "30044", "REMOTE_SERVER", "127.0.0.1:" + gateway.port(), "API_KEY", API_KEY,
                    "GATEWAY_CA", pki.caPem().toString()));
            FakeGateway.Session session = gateway.nextSession(Duration.ofSeconds(30));
            assertNotNull(session, "the agent connected:\n" + output());
            session.next(AgentMessage.KindCase.HELLO, Duration.ofSeconds(10));
            // Port only, as a gateway without agent-data-host says it: the agent dials REMOTE_SERVER's host, where
            // nothing listens on that port. The pool makes it try at once, before any build.
            session.welcome("tun-nodata", 30044, Duration.ofSeconds(1), ":" + closedPort,
                    io.secureconnect.proto.tunnel.v1.DataPool.newBuilder().setPoolId("pool-it")
                            .setTicket(com.google.protobuf.ByteString.copyFrom(new byte[16])).setMaxParked(2)
                            .setMaxIdle(com.google.protobuf.Duration.newBuilder().setSeconds(60)).build());
            awaitOutput("cannot open a data connection to the gateway at 127.0.0.1:" + closedPort,
                    Duration.ofSeconds(10));

            HttpResponse<String> health = awaitStatus(healthPort, 503);
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("dataConnections") && health.body().contains(":" + closedPort),
                    health.body());
            Thread.sleep(1500); // the pool retries meanwhile
            assertEquals(1, output().split("builds through this tunnel get 502 DATA_CONNECTION_FAILED", -1).length - 1,
                    "one line, not one per attempt:\n" + output());
        }
    }

    @Test
    void drainsOnSigtermAndExits() throws Exception {
        try (FakeGateway gateway = new FakeGateway(pki)) {
            run(Map.of("REMOTE_PORT", "30043", "REMOTE_SERVER", "127.0.0.1:" + gateway.port(), "API_KEY", API_KEY,
                    "GATEWAY_CA", pki.caPem().toString(), "DRAIN_TIMEOUT", "7", "ALLOW", "*.corp.example"));
            FakeGateway.Session session = gateway.nextSession(Duration.ofSeconds(30));
            assertNotNull(session, "the agent connected:\n" + output());
            session.next(AgentMessage.KindCase.HELLO, Duration.ofSeconds(10));
            session.welcome("tun-drain", 30043, false, Duration.ofSeconds(1));
            awaitOutput("connected: port 30043", Duration.ofSeconds(10));
            assertTrue(output().contains("ALLOW: only *.corp.example"), output());

            process.destroy(); // SIGTERM
            AgentMessage draining = session.next(AgentMessage.KindCase.DRAINING, Duration.ofSeconds(10));
            assertEquals(7, draining.getDraining().getDeadline().getSeconds());
            assertEquals(143, exitCode(Duration.ofSeconds(20)), "128 + SIGTERM, after the drain");
            assertTrue(output().contains("drained: every connection finished"), output());
            assertEquals(Status.Code.OK, session.awaitEnd(Duration.ofSeconds(5)).getCode());
        }
    }

    private static HttpResponse<String> awaitReady(int port) throws Exception {
        return awaitStatus(port, 200);
    }

    private static HttpResponse<String> awaitStatus(int port, int status) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (last.statusCode() == status) {
                    return last;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        return last;
    }
}
