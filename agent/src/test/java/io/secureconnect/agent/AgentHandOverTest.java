package io.secureconnect.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HandOver, make before break: a gateway on its way out tells the agent, which opens a stream elsewhere (here: the
 * same in-test gateway, playing the next one) while the old stream goes on serving dials; the old stream's end is
 * then no reason to reconnect. Real TLS and gRPC against {@link FakeGateway}.
 */
class AgentHandOverTest {

    private static final String API_KEY = "pat.acct-test." + UUID.randomUUID() + ".s3cr3t-" + UUID.randomUUID();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final Duration BEAT = Duration.ofMillis(200);

    @TempDir
    static Path dir;
    static TestPki pki;
    static Origin origin;
    static LogCapture logs;

    FakeGateway gateway;
    Agent agent;
    final List<String> gaveUp = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void material() throws Exception {
        pki = TestPki.create(dir);
        origin = new Origin(1024);
        logs = LogCapture.start();
    }

    @AfterAll
    static void close() {
        logs.close();
        origin.close();
    }

    @BeforeEach
    void start() throws Exception {
        logs.mark();
        gateway = new FakeGateway(pki);
        AgentSettings settings = new AgentSettings(30001, new HostPort("127.0.0.1", gateway.port()), API_KEY,
                Allowlist.parse("127.0.0.1:" + origin.port()), Optional.of(pki.caPem()), Optional.empty(),
                Duration.ofSeconds(5), Duration.ofSeconds(60));
        agent = new Agent(settings, Resolver.SYSTEM, gaveUp::add);
        agent.start();
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
        gateway.close();
    }

    @Test
    void opensTheNewStreamFirstAndServesDialsOnTheOldOneUntilItsGatewayEndsIt() throws Exception {
        FakeGateway.Session old = welcomed("tun-old", false);
        old.handOver(Duration.ofSeconds(10));

        FakeGateway.Session next = gateway.nextSession(WAIT);
        assertNotNull(next, "a HandOver opens a new stream at once");
        next.next(AgentMessage.KindCase.HELLO, WAIT);
        assertEquals(TunnelLink.State.CONNECTED, agent.link().state(), "still connected through the old stream");
        assertDials(old, "conn-before-move");

        next.welcome("tun-new", 30001, true, BEAT);
        logs.await("connected: port 30001 via gateway gw-test (tunnel tun-new, resumed=true)", WAIT.toMillis());
        assertDials(old, "conn-old-after-move");
        assertDials(next, "conn-new");

        old.goodbye(GoodbyeReason.GOODBYE_REASON_GATEWAY_SHUTDOWN, "the gateway is shutting down", true,
                Status.UNAVAILABLE);
        logs.await("the previous gateway's stream ended: GATEWAY_SHUTDOWN", WAIT.toMillis());
        assertNull(gateway.nextSession(QUIET), "the old stream's end opens no third stream");
        assertEquals(TunnelLink.State.CONNECTED, agent.link().state());
        assertEquals("tun-new", agent.link().welcome().orElseThrow().getTunnelId());
        assertDials(next, "conn-after-goodbye");
        assertTrue(gaveUp.isEmpty());
    }

    @Test
    void aNewStreamThatFailsLeavesTheOldOneServingAndItsEndReconnectsAsUsual() throws Exception {
        FakeGateway.Session old = welcomed("tun-old", false);
        old.handOver(Duration.ofSeconds(10));
        FakeGateway.Session next = gateway.nextSession(WAIT);
        next.next(AgentMessage.KindCase.HELLO, WAIT);
        next.drop(Status.UNAVAILABLE.withDescription("no gateway behind the balancer"));
        logs.await("the stream to a new gateway failed", WAIT.toMillis());
        assertDials(old, "conn-still-old");

        old.goodbye(GoodbyeReason.GOODBYE_REASON_GATEWAY_SHUTDOWN, "the gateway is shutting down", true,
                Status.UNAVAILABLE);
        FakeGateway.Session third = gateway.nextSession(WAIT);
        assertNotNull(third, "the old stream's end, with no new one, reconnects");
        third.next(AgentMessage.KindCase.HELLO, WAIT);
    }

    @Test
    void theOldStreamEndingBeforeTheNewOneIsWelcomedWaitsForThatWelcome() throws Exception {
        FakeGateway.Session old = welcomed("tun-old", false);
        old.handOver(Duration.ofSeconds(10));
        FakeGateway.Session next = gateway.nextSession(WAIT);
        next.next(AgentMessage.KindCase.HELLO, WAIT);
        old.goodbye(GoodbyeReason.GOODBYE_REASON_LEASE_LOST, "another gateway acquired the lease", true,
                Status.FAILED_PRECONDITION);
        logs.await("waiting for the new gateway's Welcome", WAIT.toMillis());
        assertEquals(TunnelLink.State.CONNECTING, agent.link().state());
        assertNull(gateway.nextSession(QUIET), "the new stream is on its way: no other one");

        next.welcome("tun-new", 30001, true, BEAT);
        logs.await("(tunnel tun-new, resumed=true)", WAIT.toMillis());
        assertEquals(TunnelLink.State.CONNECTED, agent.link().state());
        assertDials(next, "conn-new");
    }

    @Test
    void aSecondHandOverWhileOneIsUnderWayOpensNoOtherStream() throws Exception {
        FakeGateway.Session old = welcomed("tun-old", false);
        old.handOver(Duration.ofSeconds(10));
        assertNotNull(gateway.nextSession(WAIT));
        old.handOver(Duration.ofSeconds(10));
        assertNull(gateway.nextSession(QUIET), "one new stream per hand-over");
    }

    @Test
    void aHandOverWhileDrainingOpensNoStream() throws Exception {
        FakeGateway.Session old = welcomed("tun-old", false);
        // An open connection keeps the drain (and the old stream) going until its deadline.
        old.dial("conn-held", "127.0.0.1", origin.port(), new byte[16], Duration.ofSeconds(5));
        DataEndpoint.Connection held = gateway.data().next(WAIT);
        assertNotNull(held, "the held connection's data connection");
        long until = System.nanoTime() + WAIT.toNanos();
        while (agent.connections().count() == 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(1, agent.connections().count(), "the held connection is open at the agent");
        Thread drain = new Thread(() -> {
            try {
                agent.drain(Duration.ofSeconds(8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        drain.start();
        old.next(AgentMessage.KindCase.DRAINING, WAIT);
        old.handOver(Duration.ofSeconds(10));
        assertNull(gateway.nextSession(QUIET), "a draining agent goes nowhere else");
        held.socket().close();
        drain.join(WAIT.toMillis());
    }

    private FakeGateway.Session welcomed(String tunnelId, boolean resumed) throws Exception {
        FakeGateway.Session session = gateway.nextSession(WAIT);
        assertNotNull(session, "the agent opened a Connect stream");
        session.next(AgentMessage.KindCase.HELLO, WAIT);
        session.welcome(tunnelId, 30001, resumed, BEAT);
        logs.await("(tunnel " + tunnelId + ", resumed=" + resumed + ")", WAIT.toMillis());
        return session;
    }

    /** A DialRequest on {@code session} reaches the origin: the agent opens its data connection for it. */
    private void assertDials(FakeGateway.Session session, String connectionId) throws Exception {
        session.dial(connectionId, "127.0.0.1", origin.port(), new byte[16], Duration.ofSeconds(5));
        DataEndpoint.Connection data = gateway.data().next(WAIT);
        assertNotNull(data, "a data connection for " + connectionId);
        assertEquals(connectionId, data.preamble().getConnectionId());
        data.socket().close();
    }
}
