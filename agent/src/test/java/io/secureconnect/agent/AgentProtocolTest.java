package io.secureconnect.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
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
import io.secureconnect.proto.tunnel.v1.DialResult;
import io.secureconnect.proto.tunnel.v1.DialStatus;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import io.secureconnect.proto.tunnel.v1.Hello;
import io.secureconnect.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent's side of the data-plane protocol against a small in-test gateway (see {@link FakeGateway}; the
 * pairing with the real gateway is covered by the e2e suite): real TLS, a real gRPC stream, a real local HTTP
 * server as the private destination, real sockets and DNS (plus one name no real DNS here can hold, see
 * {@link #DNS}).
 */
class AgentProtocolTest {

    private static final String API_KEY = "pat.acct-test." + UUID.randomUUID() + ".s3cr3t-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration FAST_BEAT = Duration.ofMillis(100);
    private static final String REBOUND_TO_METADATA = "metadata.rebind.test";
    /**
     * The host's resolver, except for one name that a hostile DNS server rebinds to the cloud metadata address: the
     * customer's DNS is outside the system, and no DNS server on this machine answers that.
     */
    private static final Resolver DNS = host -> host.equals(REBOUND_TO_METADATA)
            ? new InetAddress[] {InetAddress.getByName("169.254.169.254")} : Resolver.SYSTEM.resolve(host);

    @TempDir
    static Path dir;
    static TestPki pki;
    static Origin origin;
    static int closedPort;
    static LogCapture logs;

    FakeGateway gateway;
    Agent agent;
    final List<String> gaveUp = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void material() throws Exception {
        pki = TestPki.create(dir);
        origin = new Origin(20 * 1024 * 1024);
        closedPort = FreePorts.next();
        logs = LogCapture.start();
    }

    @AfterAll
    static void neverLogsTheApiKey() {
        try {
            assertFalse(logs.lines().isEmpty(), "the capture saw the agent's log lines");
            for (String line : logs.lines()) {
                assertFalse(line.contains(API_KEY) || line.contains("s3cr3t"), "a log line shows the API key: " + line);
            }
        } finally {
            logs.close();
            origin.close();
        }
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

    private Agent start(String allow, Path trustedCa) throws Exception {
        AgentSettings settings = new AgentSettings(30001, new HostPort("127.0.0.1", gateway.port()), API_KEY,
                Allowlist.parse(allow), Optional.of(trustedCa), Optional.empty(), Duration.ofSeconds(5),
                Duration.ofSeconds(60));
        agent = new Agent(settings, DNS, gaveUp::add);
        agent.start();
        return agent;
    }

    private Agent start(String allow) throws Exception {
        return start(allow, pki.caPem());
    }

    private String allowList() {
        return "127.0.0.1:" + origin.port() + ",127.0.0.1:" + closedPort + ",*.invalid";
    }

    /** Starts an agent, takes its stream, sends Welcome, and waits for the "connected" state. */
    private FakeGateway.Session connected(String allow) throws Exception {
        start(allow);
        FakeGateway.Session session = gateway.nextSession(WAIT);
        assertNotNull(session, "the agent opened a Connect stream");
        session.next(AgentMessage.KindCase.HELLO, WAIT);
        session.welcome("tun-1", 30001, false, FAST_BEAT);
        awaitState(TunnelLink.State.CONNECTED);
        return session;
    }

    private void awaitState(TunnelLink.State state) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (agent.link().state() != state && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(state, agent.link().state());
    }

    @Test
    void saysHelloWithItsPortAndCarriesTheApiKeyOnlyInMetadata() throws Exception {
        start("");
        FakeGateway.Session session = gateway.nextSession(WAIT);
        assertNotNull(session);
        AgentMessage first = session.next(WAIT);
        assertTrue(first.hasHello(), "Hello comes first");
        Hello hello = first.getHello();
        assertEquals(30001, hello.getRemotePort());
        assertEquals(agent.identity().agentId(), hello.getAgentId());
        UUID.fromString(hello.getAgentId());
        assertFalse(hello.getAgentVersion().isEmpty());
        assertFalse(hello.getHostname().isEmpty());
        assertEquals(API_KEY, session.headers().get(io.grpc.Metadata.Key.of("x-api-key",
                io.grpc.Metadata.ASCII_STRING_MARSHALLER)));
        assertFalse(first.toByteString().toString(StandardCharsets.ISO_8859_1).contains("s3cr3t"),
                "the key is not in any message");

        session.welcome("tun-1", 30001, false, FAST_BEAT);
        logs.await("connected: port 30001 via gateway gw-test (tunnel tun-1, resumed=false)", WAIT.toMillis());
        assertEquals("tun-1", agent.link().welcome().orElseThrow().getTunnelId());
    }

    @Test
    void sendsHeartbeatsAtTheGatewaysInterval() throws Exception {
        FakeGateway.Session session = connected("");
        long previous = 0;
        for (int i = 0; i < 3; i++) {
            AgentMessage beat = session.next(AgentMessage.KindCase.HEARTBEAT, Duration.ofSeconds(2));
            assertEquals(previous + 1, beat.getHeartbeat().getSequence());
            previous = beat.getHeartbeat().getSequence();
        }
    }

    @Test
    void relaysTwentyMegabytesFromAPrivateHttpServerIntact() throws Exception {
        FakeGateway.Session session = connected(allowList());
        byte[] ticket = new byte[16];
        new java.security.SecureRandom().nextBytes(ticket);
        session.dial("conn-big", "127.0.0.1", origin.port(), ticket, Duration.ofSeconds(5));

        DataEndpoint.Connection data = gateway.data().next(WAIT);
        assertNotNull(data, "the agent opened a data connection");
        assertEquals("tun-1", data.preamble().getTunnelId());
        assertEquals("conn-big", data.preamble().getConnectionId());
        assertArrayEquals(ticket, data.preamble().getTicket().toByteArray());

        try (var socket = data.socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /blob HTTP/1.1\r\nHost: private.test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                total += n;
            }
            assertEquals(origin.size(), total, "every byte arrived, then the agent closed the connection");
            assertEquals(origin.sha256(), HexFormat.of().formatHex(digest.digest()));
        }
        assertNull(session.poll(AgentMessage.KindCase.DIAL_RESULT, Duration.ofMillis(300)),
                "success is told by the data connection, not by a DialResult");
    }

    @Test
    void refusesADestinationOutsideTheAllowlistWithAReason() throws Exception {
        FakeGateway.Session session = connected(allowList());
        session.dial("conn-other-net", "10.255.255.1", 443, new byte[16], Duration.ofSeconds(5));
        DialResult result = session.dialResult(WAIT);
        assertEquals("conn-other-net", result.getConnectionId());
        assertEquals(DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST, result.getStatus());
        assertTrue(result.getMessage().contains("10.255.255.1:443") && result.getMessage().contains("ALLOW"),
                result.getMessage());

        int otherPort = origin.port() == 65535 ? 65534 : origin.port() + 1;
        session.dial("conn-other-port", "127.0.0.1", otherPort, new byte[16], Duration.ofSeconds(5));
        assertEquals(DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST, session.dialResult(WAIT).getStatus());
        assertNull(gateway.data().next(Duration.ofMillis(200)), "no data connection for a refused dial");
    }

    static Stream<Arguments> ownHostRefusals() {
        return Stream.of(
                Arguments.of("empty ALLOW refuses 127.0.0.1", "", "127.0.0.1",
                        "127.0.0.1 is loopback"),
                Arguments.of("empty ALLOW refuses localhost, which resolves to 127.0.0.1", "", "localhost",
                        "localhost (127.0.0.1) is loopback"),
                Arguments.of("ALLOW=0.0.0.0/0 refuses ::ffff:127.0.0.1", "0.0.0.0/0", "::ffff:127.0.0.1",
                        "::ffff:127.0.0.1 (127.0.0.1) is loopback"),
                Arguments.of("ALLOW=*.rebind.test refuses a name rebound to cloud metadata", "*.rebind.test",
                        REBOUND_TO_METADATA, REBOUND_TO_METADATA + " (169.254.169.254) is link-local (cloud metadata)"),
                Arguments.of("empty ALLOW refuses cloud metadata", "", "169.254.169.254",
                        "169.254.169.254 is link-local (cloud metadata)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ownHostRefusals")
    void refusesTheAgentsOwnHostAndLinkWithAReasonAndOneLogLine(String behaviour, String allow, String host,
                                                                String refused) throws Exception {
        FakeGateway.Session session = connected(allow);
        String connection = "conn-own-" + UUID.randomUUID();
        session.dial(connection, host, origin.port(), new byte[16], Duration.ofSeconds(5));
        DialResult result = session.dialResult(WAIT);
        assertEquals(connection, result.getConnectionId());
        assertEquals(DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST, result.getStatus());
        assertEquals(refused + ": the agent refuses it unless ALLOW names it", result.getMessage());
        assertNull(gateway.data().next(Duration.ofMillis(200)), "no data connection for a refused dial");
        logs.await("connection " + connection, WAIT.toMillis());
        assertEquals(1, logs.count("connection " + connection + " to " + host + ":" + origin.port()
                + ": REFUSED_BY_ALLOWLIST: " + result.getMessage()), String.join("\n", logs.lines()));
    }

    @ParameterizedTest(name = "ALLOW={0} opens localhost")
    @ValueSource(strings = {"localhost", "127.0.0.1", "127.0.0.0/8"})
    void relaysToALoopbackOriginThatAllowNamesExplicitly(String allow) throws Exception {
        FakeGateway.Session session = connected(allow);
        session.dial("conn-localhost", "localhost", origin.port(), new byte[16], Duration.ofSeconds(5));

        DataEndpoint.Connection data = gateway.data().next(WAIT);
        assertNotNull(data, "the agent reached the origin and opened a data connection");
        try (var socket = data.socket()) {
            socket.getOutputStream().write("GET /blob HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readHead(socket.getInputStream()).startsWith("HTTP/1.1 200"));
        }
    }

    @Test
    void answersAnUnresolvableNameWithNameNotResolved() throws Exception {
        FakeGateway.Session session = connected(allowList());
        // A generous dial timeout: where the host's DNS server is unreachable the JDK needs ~10 s to say no.
        session.dial("conn-nxdomain", "no-such-host.invalid", 443, new byte[16], Duration.ofSeconds(40));
        DialResult result = session.dialResult(Duration.ofSeconds(45));
        assertEquals(DialStatus.DIAL_STATUS_NAME_NOT_RESOLVED, result.getStatus());
        assertTrue(result.getMessage().contains("no-such-host.invalid"), result.getMessage());
    }

    @Test
    void answersTimeoutWhenTheDestinationDoesNotAnswerInTime() throws Exception {
        FakeGateway.Session session = connected("127.0.0.1");
        // A listener whose accept queue is full: Linux drops further SYNs, so a connect hangs until it times out.
        try (java.net.ServerSocket stuck = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> fillers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                java.net.Socket filler = new java.net.Socket();
                try {
                    filler.connect(stuck.getLocalSocketAddress(), 200);
                } catch (java.io.IOException queueFull) {
                    // expected once the queue is full
                }
                fillers.add(filler);
            }
            session.dial("conn-slow", "127.0.0.1", stuck.getLocalPort(), new byte[16], Duration.ofMillis(300));
            DialResult result = session.dialResult(WAIT);
            assertEquals(DialStatus.DIAL_STATUS_TIMEOUT, result.getStatus(), result.toString());
            assertEquals("no answer from 127.0.0.1:" + stuck.getLocalPort() + " within 300 ms", result.getMessage());
            assertNull(gateway.data().next(Duration.ofMillis(200)));
            for (java.net.Socket filler : fillers) {
                filler.close();
            }
        }
    }

    @Test
    void answersAClosedPortWithConnectionRefused() throws Exception {
        FakeGateway.Session session = connected(allowList());
        session.dial("conn-closed", "127.0.0.1", closedPort, new byte[16], Duration.ofSeconds(5));
        DialResult result = session.dialResult(WAIT);
        assertEquals(DialStatus.DIAL_STATUS_CONNECTION_REFUSED, result.getStatus());
        assertEquals("connection refused by 127.0.0.1:" + closedPort, result.getMessage());
    }

    @Test
    void reconnectsAfterTheGatewayDropsTheStreamAndResumes() throws Exception {
        FakeGateway.Session first = connected("");
        String agentId = agent.identity().agentId();
        first.drop(Status.UNAVAILABLE.withDescription("gateway restarting"));
        logs.await("disconnected: UNAVAILABLE: gateway restarting; retrying in", WAIT.toMillis());

        FakeGateway.Session second = gateway.nextSession(WAIT);
        assertNotNull(second, "the agent came back");
        Hello hello = second.next(AgentMessage.KindCase.HELLO, WAIT).getHello();
        assertEquals(agentId, hello.getAgentId());
        assertEquals(30001, hello.getRemotePort());
        second.welcome("tun-1", 30001, true, FAST_BEAT);
        logs.await("connected: port 30001 via gateway gw-test (tunnel tun-1, resumed=true)", WAIT.toMillis());
        assertTrue(gaveUp.isEmpty());
    }

    @Test
    void reconnectsWhenTheGatewayStopsAnsweringHeartbeats() throws Exception {
        FakeGateway.Session first = connected("");
        gateway.autoAck(false);
        logs.await("disconnected: no answer from the gateway for", WAIT.toMillis());
        gateway.autoAck(true);
        assertNotNull(first.awaitEnd(WAIT), "the agent ended the silent stream");
        assertNotNull(gateway.nextSession(WAIT), "and opened a new one");
    }

    @Test
    void reconnectsAfterARetryableGoodbye() throws Exception {
        FakeGateway.Session first = connected("");
        first.goodbye(GoodbyeReason.GOODBYE_REASON_GATEWAY_SHUTDOWN, "gateway shutting down", true,
                Status.UNAVAILABLE);
        assertNotNull(gateway.nextSession(WAIT));
        assertTrue(gaveUp.isEmpty());
        logs.await("disconnected: GATEWAY_SHUTDOWN: gateway shutting down", WAIT.toMillis());
    }

    @Test
    void givesUpOnAGoodbyeThatSaysRetryingCannotHelp() throws Exception {
        FakeGateway.Session session = connected("");
        session.goodbye(GoodbyeReason.GOODBYE_REASON_KEY_REVOKED, "the API key was revoked", false,
                Status.UNAUTHENTICATED);
        logs.await("giving up: KEY_REVOKED: the API key was revoked", WAIT.toMillis());
        assertEquals(List.of("KEY_REVOKED: the API key was revoked"), gaveUp);
        assertEquals(TunnelLink.State.GAVE_UP, agent.link().state());
        assertNull(gateway.nextSession(Duration.ofSeconds(2)), "no reconnect after giving up");
    }

    @Test
    void givesUpWhenThePortIsHeldByAnotherKey() throws Exception {
        start("");
        FakeGateway.Session session = gateway.nextSession(WAIT);
        session.next(AgentMessage.KindCase.HELLO, WAIT);
        session.goodbye(GoodbyeReason.GOODBYE_REASON_PORT_HELD, "port 30001 is held by another API key", false,
                Status.ALREADY_EXISTS);
        logs.await("giving up: PORT_HELD: port 30001 is held by another API key", WAIT.toMillis());
        assertEquals(1, gaveUp.size());
        assertNull(gateway.nextSession(Duration.ofSeconds(2)));
    }

    @Test
    void givesUpOnAFinalStatusEvenWithoutAGoodbye() throws Exception {
        start("");
        FakeGateway.Session session = gateway.nextSession(WAIT);
        session.next(AgentMessage.KindCase.HELLO, WAIT);
        io.grpc.Metadata trailers = new io.grpc.Metadata();
        trailers.put(io.grpc.Metadata.Key.of("secureconnect-reason", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "PORT_OUT_OF_RANGE");
        session.drop(Status.INVALID_ARGUMENT.withDescription("port 30001 is outside this gateway's pool"),
                trailers);
        logs.await("giving up: INVALID_ARGUMENT (PORT_OUT_OF_RANGE): port 30001 is outside this gateway's pool",
                WAIT.toMillis());
        assertEquals(1, gaveUp.size());
        assertNull(gateway.nextSession(Duration.ofSeconds(2)));
    }

    @Test
    void neverTalksToAGatewayWhoseCertificateItDoesNotTrust() throws Exception {
        start("", pki.otherCaPem());
        logs.await("disconnected: UNAVAILABLE", WAIT.toMillis());
        assertNull(gateway.nextSession(Duration.ofSeconds(1)), "no stream (no API key sent) over untrusted TLS");
    }

    @Test
    void drainsOnShutdownRefusingNewDialsAndWaitingForOpenConnections() throws Exception {
        FakeGateway.Session session = connected(allowList());
        session.dial("conn-open", "127.0.0.1", origin.port(), new byte[16], Duration.ofSeconds(5));
        DataEndpoint.Connection open = gateway.data().next(WAIT);
        assertNotNull(open);
        awaitOpenConnections(1);

        CompletableFuture<Void> drained = CompletableFuture.runAsync(() -> {
            try {
                agent.drain(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        AgentMessage draining = session.next(AgentMessage.KindCase.DRAINING, WAIT);
        assertEquals(20, draining.getDraining().getDeadline().getSeconds());

        session.dial("conn-late", "127.0.0.1", origin.port(), new byte[16], Duration.ofSeconds(5));
        DialResult late = session.dialResult(WAIT);
        assertEquals(DialStatus.DIAL_STATUS_DRAINING, late.getStatus());
        Thread.sleep(200);
        assertFalse(drained.isDone(), "the drain waits for the open connection");

        open.socket().close();
        drained.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Status.Code.OK, session.awaitEnd(WAIT).getCode(), "the agent ended its stream politely");
        assertEquals(TunnelLink.State.STOPPED, agent.link().state());
    }

    private void awaitOpenConnections(int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (agent.connections().count() != count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, agent.connections().count());
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
