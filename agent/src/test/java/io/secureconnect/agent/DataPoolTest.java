package io.secureconnect.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.secureconnect.agent.config.AgentSettings;
import io.secureconnect.agent.dial.Allowlist;
import io.secureconnect.agent.dial.Resolver;
import io.secureconnect.agent.net.HostPort;
import io.secureconnect.agent.support.DataEndpoint;
import io.secureconnect.agent.support.FakeGateway;
import io.secureconnect.agent.support.Origin;
import io.secureconnect.agent.support.TestPki;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.DataPool;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.DialResult;
import io.secureconnect.proto.tunnel.v1.DialStatus;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data connections the agent opens ahead of demand and parks at the gateway when Welcome offers a pool (against the
 * in-test gateway; the pairing with the real gateway runs in the e2e suite).
 */
class DataPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] POOL_TICKET = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;
    static TestPki pki;
    static Origin origin;

    FakeGateway gateway;
    Agent agent;

    @BeforeAll
    static void material() throws Exception {
        pki = TestPki.create(dir);
        origin = new Origin(1024);
    }

    @AfterAll
    static void stopOrigin() {
        origin.close();
    }

    @BeforeEach
    void startGateway() throws Exception {
        gateway = new FakeGateway(pki);
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        gateway.close();
    }

    private static DataPool pool(int maxParked, Duration maxIdle) {
        return DataPool.newBuilder().setPoolId("pool-1").setTicket(ByteString.copyFrom(POOL_TICKET))
                .setMaxParked(maxParked).setMaxIdle(com.google.protobuf.Duration.newBuilder()
                        .setSeconds(maxIdle.getSeconds()).setNanos(maxIdle.getNano()))
                .build();
    }

    /** Starts an agent and welcomes it with the given pool. */
    private FakeGateway.Session welcomed(DataPool pool) throws Exception {
        AgentSettings settings = new AgentSettings(30001, new HostPort("127.0.0.1", gateway.port()),
                "pat.acct-test.tok.secret", Allowlist.parse("127.0.0.1:" + origin.port()), Optional.of(pki.caPem()),
                Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(60));
        agent = new Agent(settings, Resolver.SYSTEM, why -> { });
        agent.start();
        FakeGateway.Session session = gateway.nextSession(WAIT);
        assertNotNull(session, "the agent opened a Connect stream");
        session.next(AgentMessage.KindCase.HELLO, WAIT);
        session.welcome("tun-1", 30001, Duration.ofSeconds(1), pool);
        return session;
    }

    @Test
    void parksAsManyConnectionsAsThePoolAllowsWithItsTicket() throws Exception {
        welcomed(pool(2, Duration.ofMinutes(2)));

        for (int i = 0; i < 2; i++) {
            DataEndpoint.Connection parked = gateway.data().nextParked(WAIT);
            assertNotNull(parked, "parked connection " + (i + 1));
            assertTrue(parked.parking().getPark());
            assertEquals("tun-1", parked.parking().getTunnelId());
            assertEquals("pool-1", parked.parking().getConnectionId());
            assertEquals(ByteString.copyFrom(POOL_TICKET), parked.parking().getTicket());
        }
        assertNull(gateway.data().nextParked(Duration.ofMillis(500)), "no more than max_parked");
    }

    @Test
    void parksAtMostFourEvenWhenTheGatewayAllowsMore() throws Exception {
        welcomed(pool(64, Duration.ofMinutes(2)));

        for (int i = 0; i < 4; i++) {
            assertNotNull(gateway.data().nextParked(WAIT), "parked connection " + (i + 1));
        }
        assertNull(gateway.data().nextParked(Duration.ofMillis(500)));
    }

    @Test
    void aDialTheGatewayWritesOnAParkedConnectionIsAnsweredOnItAndThePoolIsRefilled() throws Exception {
        FakeGateway.Session session = welcomed(pool(1, Duration.ofMinutes(2)));
        DataEndpoint.Connection parked = gateway.data().nextParked(WAIT);
        assertNotNull(parked);
        byte[] ticket = new byte[16];
        new java.security.SecureRandom().nextBytes(ticket);

        writeFrame(parked.socket(), dialRequest("conn-1", "127.0.0.1", origin.port(), ticket).toByteArray());

        DataEndpoint.Connection assigned = gateway.data().next(WAIT);
        assertNotNull(assigned);
        assertSame(parked.socket(), assigned.socket(), "the answer came on the parked connection");
        assertEquals("conn-1", assigned.preamble().getConnectionId());
        assertEquals(ByteString.copyFrom(ticket), assigned.preamble().getTicket());
        assertFalse(assigned.preamble().getPark());
        try (Socket socket = assigned.socket()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /blob HTTP/1.1\r\nHost: private.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
        }
        assertNotNull(gateway.data().nextParked(WAIT), "a new connection replaced the one assigned");
        assertNull(session.poll(AgentMessage.KindCase.DIAL_RESULT, Duration.ofMillis(200)),
                "success is told by the data connection");
    }

    @Test
    void aReusableConnectionIsFramedAndAfterEndBothWaysCarriesTheNextDial() throws Exception {
        FakeGateway.Session session = welcomed(pool(1, Duration.ofMinutes(2)).toBuilder().setReusable(true).build());
        DataEndpoint.Connection parked = gateway.data().nextParked(WAIT);
        assertNotNull(parked);
        assertTrue(parked.parking().getReusable(), "the agent asks for reuse when the gateway offers it");
        Socket socket = parked.socket();
        DataInputStream in = new DataInputStream(socket.getInputStream());

        writeFrame(socket, dialRequest("conn-1", "127.0.0.1", origin.port(), new byte[16]).toByteArray());
        DataEndpoint.Connection assigned = gateway.data().next(WAIT);
        assertNotNull(assigned);
        assertEquals("conn-1", assigned.preamble().getConnectionId());
        assertTrue(fetchFramed(socket, in).startsWith("HTTP/1.1 200"), "the response came in frames, then END");

        // The agent parked it again: the next dial goes on the same connection, answered by a preamble on it.
        writeFrame(socket, dialRequest("conn-2", "127.0.0.1", origin.port(), new byte[16]).toByteArray());
        DataPreamble second = DataPreamble.parseFrom(in.readNBytes(in.readInt()));
        assertEquals("conn-2", second.getConnectionId());
        assertTrue(fetchFramed(socket, in).startsWith("HTTP/1.1 200"));
        assertNull(session.poll(AgentMessage.KindCase.DIAL_RESULT, Duration.ofMillis(200)));
        socket.close();
    }

    @Test
    void aFailedDialKeepsAReusableConnectionForTheNextDial() throws Exception {
        FakeGateway.Session session = welcomed(pool(1, Duration.ofMinutes(2)).toBuilder().setReusable(true).build());
        DataEndpoint.Connection parked = gateway.data().nextParked(WAIT);
        assertNotNull(parked);

        writeFrame(parked.socket(), dialRequest("conn-refused", "10.255.255.1", 443, new byte[16]).toByteArray());
        DialResult refused = session.dialResult(WAIT);
        assertEquals(DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST, refused.getStatus());
        writeFrame(parked.socket(), dialRequest("conn-ok", "127.0.0.1", origin.port(), new byte[16]).toByteArray());

        DataEndpoint.Connection assigned = gateway.data().next(WAIT);
        assertNotNull(assigned, "the next dial was answered on the same connection");
        assertSame(parked.socket(), assigned.socket());
        assertEquals("conn-ok", assigned.preamble().getConnectionId());
        assertFalse(parked.ended().isDone(), "not closed by the failure");
    }

    @Test
    void bytesAfterTheGatewaysEndCloseTheReusableConnection() throws Exception {
        welcomed(pool(1, Duration.ofMinutes(2)).toBuilder().setReusable(true).build());
        DataEndpoint.Connection parked = gateway.data().nextParked(WAIT);
        assertNotNull(parked);
        Socket socket = parked.socket();
        writeFrame(socket, dialRequest("conn-1", "127.0.0.1", origin.port(), new byte[16]).toByteArray());
        assertNotNull(gateway.data().next(WAIT));

        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(0); // END: the client went away
        out.writeInt(1); // ... and yet one more byte for that connection
        out.write('x');
        out.flush();

        socket.setSoTimeout(5000);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // the agent's own END may come first; then the end of the stream
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the agent kept the connection after a frame that followed END", e);
        } catch (java.io.IOException reset) {
            // closed with a reset: closed all the same
        }
    }

    /** One HTTP exchange over a framed connection: the request as one frame, the response until END, then END. */
    private static String fetchFramed(Socket socket, DataInputStream in) throws Exception {
        writeFrame(socket, "GET /blob HTTP/1.1\r\nHost: private.test\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        java.io.ByteArrayOutputStream response = new java.io.ByteArrayOutputStream();
        int length;
        while ((length = in.readInt()) > 0) {
            response.write(in.readNBytes(length));
        }
        new DataOutputStream(socket.getOutputStream()).writeInt(0);
        assertTrue(response.size() > origin.size(), "headers and the whole payload: " + response.size() + " bytes");
        return response.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aDialOnTheControlStreamGetsANewConnectionAndLeavesTheParkedOneAlone() throws Exception {
        FakeGateway.Session session = welcomed(pool(1, Duration.ofMinutes(2)));
        DataEndpoint.Connection parked = gateway.data().nextParked(WAIT);
        assertNotNull(parked);

        session.dial("conn-2", "127.0.0.1", origin.port(), new byte[16], Duration.ofSeconds(5));

        DataEndpoint.Connection fresh = gateway.data().next(WAIT);
        assertNotNull(fresh);
        assertNull(fresh.parking(), "a new connection, not a parked one");
        assertEquals("conn-2", fresh.preamble().getConnectionId());
        fresh.socket().close();
        assertFalse(parked.ended().isDone(), "the parked connection still waits");
    }

    @Test
    void aFailedDialOnAParkedConnectionIsToldOnTheControlStreamAndClosesIt() throws Exception {
        FakeGateway.Session session = welcomed(pool(1, Duration.ofMinutes(2)));
        DataEndpoint.Connection parked = gateway.data().nextParked(WAIT);
        assertNotNull(parked);

        writeFrame(parked.socket(), dialRequest("conn-3", "10.255.255.1", 443, new byte[16]).toByteArray());

        DialResult result = session.dialResult(WAIT);
        assertEquals("conn-3", result.getConnectionId());
        assertEquals(DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST, result.getStatus());
        assertClosedByAgent(parked);
        assertNotNull(gateway.data().nextParked(WAIT), "a new connection replaced it");
    }

    @Test
    void closesAParkedConnectionOnWhichTheGatewayWritesSomethingElse() throws Exception {
        welcomed(pool(2, Duration.ofMinutes(2)));
        DataEndpoint.Connection first = gateway.data().nextParked(WAIT);
        DataEndpoint.Connection second = gateway.data().nextParked(WAIT);
        assertNotNull(second);

        writeFrame(first.socket(), new byte[] {(byte) 0xff, 0x01, 0x02});
        new DataOutputStream(second.socket().getOutputStream()).writeInt(1 << 30);

        assertClosedByAgent(first);
        assertClosedByAgent(second);
    }

    @Test
    void replacesAParkedConnectionTheGatewayClosed() throws Exception {
        welcomed(pool(1, Duration.ofMinutes(2)));
        DataEndpoint.Connection parked = gateway.data().nextParked(WAIT);
        assertNotNull(parked);

        parked.socket().close();

        assertNotNull(gateway.data().nextParked(WAIT), "the agent parked a fresh one");
    }

    @Test
    void retiresAParkedConnectionBeforeTheGatewaysIdleLimit() throws Exception {
        welcomed(pool(1, Duration.ofSeconds(2)));
        DataEndpoint.Connection parked = gateway.data().nextParked(WAIT);
        assertNotNull(parked);

        // Retired at 3/4 of the 2 s limit: the old one closes and a fresh one parks.
        DataEndpoint.Connection fresh = gateway.data().nextParked(Duration.ofSeconds(5));
        assertNotNull(fresh, "a fresh connection parked");
        assertClosedByAgent(parked);
    }

    @Test
    void closesParkedConnectionsWhenTheStreamEnds() throws Exception {
        FakeGateway.Session session = welcomed(pool(2, Duration.ofMinutes(2)));
        DataEndpoint.Connection first = gateway.data().nextParked(WAIT);
        DataEndpoint.Connection second = gateway.data().nextParked(WAIT);
        assertNotNull(second);

        session.drop(Status.UNAVAILABLE.withDescription("gateway restarting"));

        assertClosedByAgent(first);
        assertClosedByAgent(second);
    }

    @Test
    void withoutAPoolInWelcomeNothingIsParked() throws Exception {
        AgentSettings settings = new AgentSettings(30001, new HostPort("127.0.0.1", gateway.port()),
                "pat.acct-test.tok.secret", Allowlist.parse(""), Optional.of(pki.caPem()), Optional.empty(),
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        agent = new Agent(settings, Resolver.SYSTEM, why -> { });
        agent.start();
        FakeGateway.Session session = gateway.nextSession(WAIT);
        session.next(AgentMessage.KindCase.HELLO, WAIT);
        session.welcome("tun-1", 30001, false, Duration.ofSeconds(1));

        assertNull(gateway.data().nextParked(Duration.ofMillis(500)));
    }

    private static DialRequest dialRequest(String id, String host, int port, byte[] ticket) {
        return DialRequest.newBuilder().setConnectionId(id).setHost(host).setPort(port)
                .setTicket(ByteString.copyFrom(ticket))
                .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(5)).build();
    }

    /** What the gateway writes on a parked connection: a 4-byte big-endian length, then the bytes. */
    private static void writeFrame(Socket socket, byte[] body) throws Exception {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    private static void assertClosedByAgent(DataEndpoint.Connection parked) throws Exception {
        try {
            parked.ended().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the agent kept the parked connection open", e);
        }
    }
}
