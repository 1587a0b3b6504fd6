package io.secureconnect.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.secureconnect.agent.config.AgentSettings;
import io.secureconnect.agent.dial.Allowlist;
import io.secureconnect.agent.dial.Resolver;
import io.secureconnect.agent.link.TunnelLink;
import io.secureconnect.agent.net.HostPort;
import io.secureconnect.agent.support.DataEndpoint;
import io.secureconnect.agent.support.FakeGateway;
import io.secureconnect.agent.support.LogCapture;
import io.secureconnect.agent.support.Origin;
import io.secureconnect.agent.support.TestPki;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.DataPool;
import io.secureconnect.proto.tunnel.v1.DialResult;
import io.secureconnect.proto.tunnel.v1.DialStatus;
import io.secureconnect.testing.FreePorts;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the agent opens its data connections: at REMOTE_SERVER's host unless the gateway's Welcome names another
 * host, the gateway's certificate checked against the name dialled; and what happens when they cannot be opened
 * (one log line, not ready, DIAL_STATUS_DATA_CONNECTION_FAILED for the gateway's 502). Data endpoints listen on
 * 127.0.0.1, 127.0.0.2 and 127.0.0.3 (the test certificate covers the first two only).
 */
class DataEndpointAddressTest {

    private static final String API_KEY = "pat.acct-test." + UUID.randomUUID() + ".s3cr3t-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration BEAT = Duration.ofMillis(200);
    private static final String ONE_LINE = "builds through this tunnel get 502 DATA_CONNECTION_FAILED";

    @TempDir
    static Path dir;
    static TestPki pki;
    static Origin origin;
    static LogCapture logs;

    FakeGateway gateway;
    Agent agent;

    @BeforeAll
    static void material() throws Exception {
        pki = TestPki.create(dir);
        origin = new Origin(1024);
        logs = LogCapture.start();
    }

    @AfterAll
    static void release() {
        logs.close();
        origin.close();
    }

    @BeforeEach
    void gateway() throws Exception {
        logs.mark();
        gateway = new FakeGateway(pki);
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        gateway.close();
    }

    /** An agent with REMOTE_SERVER=127.0.0.1:<agent port>, welcomed with the given data_endpoint (and pool). */
    private FakeGateway.Session welcomed(String dataEndpoint, DataPool pool) throws Exception {
        AgentSettings settings = new AgentSettings(30001, new HostPort("127.0.0.1", gateway.port()), API_KEY,
                Allowlist.parse("127.0.0.1:" + origin.port()), Optional.of(pki.caPem()), Optional.empty(),
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        agent = new Agent(settings, Resolver.SYSTEM, why -> { });
        agent.start();
        FakeGateway.Session session = gateway.nextSession(WAIT);
        assertNotNull(session, "the agent opened a Connect stream");
        session.next(AgentMessage.KindCase.HELLO, WAIT);
        session.welcome("tun-data", 30001, BEAT, dataEndpoint, pool);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (agent.link().state() != TunnelLink.State.CONNECTED && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(TunnelLink.State.CONNECTED, agent.link().state());
        return session;
    }

    private static void dial(FakeGateway.Session session, String connectionId) {
        session.dial(connectionId, "127.0.0.1", origin.port(), new byte[16], Duration.ofSeconds(5));
    }

    private HealthCheckResponse readiness() {
        return TunnelReadiness.of(Optional.of(agent));
    }

    @Test
    void dialsTheDataPortAtRemoteServersHostWhenWelcomeNamesOnlyAPort() throws Exception {
        FakeGateway.Session session = welcomed(":" + gateway.data().port(), null);

        dial(session, "conn-port-only");

        DataEndpoint.Connection data = gateway.data().next(WAIT);
        assertNotNull(data, "the data connection went to 127.0.0.1, REMOTE_SERVER's host");
        assertEquals("conn-port-only", data.preamble().getConnectionId());
        data.socket().close();
        assertEquals(HealthCheckResponse.Status.UP, readiness().getStatus());
    }

    @Test
    void dialsTheHostWelcomeNamesWhenItNamesOne() throws Exception {
        try (DataEndpoint named = new DataEndpoint(pki, InetAddress.getByName("127.0.0.2"))) {
            FakeGateway.Session session = welcomed("127.0.0.2:" + named.port(), null);

            dial(session, "conn-named-host");

            DataEndpoint.Connection data = named.next(WAIT);
            assertNotNull(data, "the data connection went to the host the Welcome named");
            assertEquals("conn-named-host", data.preamble().getConnectionId());
            data.socket().close();
            assertNull(gateway.data().next(Duration.ofMillis(200)), "nothing went to REMOTE_SERVER's host");
        }
    }

    @Test
    void refusesADataEndpointWhoseCertificateDoesNotCoverTheNameItDials() throws Exception {
        try (DataEndpoint uncovered = new DataEndpoint(pki, InetAddress.getByName("127.0.0.3"))) {
            FakeGateway.Session session = welcomed("127.0.0.3:" + uncovered.port(), null);

            dial(session, "conn-wrong-name");

            DialResult result = session.dialResult(WAIT);
            assertEquals(DialStatus.DIAL_STATUS_DATA_CONNECTION_FAILED, result.getStatus());
            assertTrue(result.getMessage().contains("at 127.0.0.3:" + uncovered.port()), result.getMessage());
            assertTrue(result.getMessage().contains("No subject alternative names matching IP address 127.0.0.3"),
                    "the name check, not the issuer, refused it: " + result.getMessage());
            assertNull(uncovered.next(Duration.ofMillis(200)), "no preamble went to a gateway it could not verify");
            assertEquals(HealthCheckResponse.Status.DOWN, readiness().getStatus());
        }
    }

    @Test
    void aDataEndpointThatRefusesGivesOneLineNotReadyAndDataConnectionFailed() throws Exception {
        int closedPort = FreePorts.next();
        FakeGateway.Session session = welcomed(":" + closedPort, null);
        assertEquals(HealthCheckResponse.Status.UP, readiness().getStatus(), "nothing tried yet");
        long linesBefore = logs.count(ONE_LINE);

        dial(session, "conn-refused-1");
        DialResult first = session.dialResult(WAIT);
        dial(session, "conn-refused-2");
        DialResult second = session.dialResult(WAIT);

        for (DialResult result : new DialResult[] {first, second}) {
            assertEquals(DialStatus.DIAL_STATUS_DATA_CONNECTION_FAILED, result.getStatus(), result.toString());
            assertTrue(result.getMessage().contains("data connection to the gateway at 127.0.0.1:" + closedPort),
                    result.getMessage());
        }
        String line = logs.await(ONE_LINE, WAIT.toMillis());
        assertTrue(line.contains("cannot open a data connection to the gateway at 127.0.0.1:" + closedPort), line);
        assertEquals(1, logs.count(ONE_LINE) - linesBefore, "one line, not one per dial");
        HealthCheckResponse ready = readiness();
        assertEquals(HealthCheckResponse.Status.DOWN, ready.getStatus());
        assertTrue(String.valueOf(ready.getData().orElseThrow().get("dataConnections"))
                .contains("127.0.0.1:" + closedPort), ready.getData().toString());
    }

    @Test
    void aParkingPoolThatCannotConnectReportsNotReadyBeforeAnyBuild() throws Exception {
        int closedPort = FreePorts.next();
        welcomed(":" + closedPort, DataPool.newBuilder().setPoolId("pool-1")
                .setTicket(ByteString.copyFrom(new byte[16])).setMaxParked(2)
                .setMaxIdle(com.google.protobuf.Duration.newBuilder().setSeconds(60)).build());

        logs.await(ONE_LINE, WAIT.toMillis());
        assertEquals(HealthCheckResponse.Status.DOWN, readiness().getStatus());
    }
}
