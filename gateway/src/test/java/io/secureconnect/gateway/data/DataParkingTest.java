package io.secureconnect.gateway.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.Curl;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.TestAgent;
import io.secureconnect.proto.tunnel.v1.DataPool;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import io.secureconnect.proto.tunnel.v1.Welcome;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Data connections parked ahead of demand: who may park, how many, for how long, and how a dial takes one. */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class DataParkingTest extends GatewayTestSupport {

    private static final int PORT = 30040;

    private static DataPools pools() {
        return Arc.container().instance(DataPools.class).get();
    }

    @Test
    void welcomeOffersEachAgentStreamItsOwnPool() throws Exception {
        String account = Builds.account();
        Welcome first = agent(account, PORT, TestAgent.Mode.DIAL).welcome();
        Welcome second = agent(account, PORT, TestAgent.Mode.DIAL).welcome();

        DataPool pool = first.getDataPool();
        assertFalse(pool.getPoolId().isEmpty());
        assertEquals(16, pool.getTicket().size());
        assertEquals(GatewayTestResource.DATA_POOL_SIZE, pool.getMaxParked());
        assertEquals(3, pool.getMaxIdle().getSeconds());
        assertTrue(pool.getReusable(), "connections may be reused (secureconnect.gateway.data-reuse defaults to true)");
        assertFalse(pool.getPoolId().equals(second.getDataPool().getPoolId()), "one pool per stream");
        assertFalse(pool.getTicket().equals(second.getDataPool().getTicket()), "one ticket per stream");
    }

    @Test
    void aDialTakesAParkedConnectionInsteadOfANewOne() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.PARKED);
        int before = pools().parked();
        agent.park();
        await("the connection is parked", Duration.ofSeconds(5), () -> pools().parked() == before + 1);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()),
                "http://127.0.0.1:" + origin().httpPort() + "/hello");

        assertEquals("200", result.httpCode(), result.stderr());
        assertEquals("hello from the private network: GET /hello", result.text());
        assertEquals(1, agent.writtenDials().size(), "the dial was written on the parked connection");
        assertEquals("127.0.0.1", agent.writtenDials().get(0).getHost());
        assertEquals(List.of(), agent.dials(), "nothing went on the control stream");
        await("the assigned connection left the pool", Duration.ofSeconds(5), () -> pools().parked() == before);
        assertEquals(0, pendingDials().size());
    }

    @Test
    void aDialWrittenOnAParkedConnectionThatIsNeverAnsweredEndsIn504AndClosesIt() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.PARKED_SILENT);
        SSLSocket parked = agent.park();
        await("the connection is parked", Duration.ofSeconds(5), () -> pools().parked() >= 1);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()),
                "http://127.0.0.1:" + origin().httpPort() + "/hello");

        assertEquals("504", result.httpCode(), result.stderr());
        assertEquals(1, agent.writtenDials().size());
        assertClosedByGateway(parked);
        assertEquals(0, pendingDials().size());
    }

    @Test
    void aDialWhoseParkedConnectionClosesBeforeTheAnswerGoesOnTheControlStream() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.PARKED_CLOSING);
        agent.park();
        await("the connection is parked", Duration.ofSeconds(5), () -> pools().parked() >= 1);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()),
                "http://127.0.0.1:" + origin().httpPort() + "/hello");

        assertEquals("200", result.httpCode(), result.stderr());
        assertEquals(1, agent.writtenDials().size(), "first written on the parked connection");
        assertEquals(1, agent.dials().size(), "then sent on the control stream");
        assertEquals(agent.writtenDials().get(0).getConnectionId(), agent.dials().get(0).getConnectionId());
        assertEquals(0, pendingDials().size());
    }

    @Test
    void aReusableParkedConnectionCarriesOneProxiedConnectionAfterAnother() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.PARKED_REUSABLE);
        GatewayMetrics metrics = Arc.container().instance(GatewayMetrics.class).get();
        long reusedBefore = metrics.dataReusedCount();
        int before = pools().parked();
        agent.park();
        await("the connection is parked", Duration.ofSeconds(5), () -> pools().parked() == before + 1);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));

        for (int i = 1; i <= 3; i++) {
            Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()),
                    "http://127.0.0.1:" + origin().httpPort() + "/hello-" + i);
            assertEquals("200", result.httpCode(), result.stderr());
            assertEquals("hello from the private network: GET /hello-" + i, result.text());
            long reused = reusedBefore + i;
            await("END went both ways and the connection is parked again", Duration.ofSeconds(5),
                    () -> metrics.dataReusedCount() >= reused && pools().parked() == before + 1);
        }

        assertEquals(3, agent.writtenDials().size(), "every dial was written on the parked connection");
        assertEquals(1, agent.dataConnectionsOpened(), "one TLS connection carried all three");
        assertEquals(List.of(), agent.dials(), "nothing went on the control stream");
        assertEquals(0, pendingDials().size());
    }

    @Test
    void aPreambleOnAReusableConnectionThatNoDialWasWrittenOnClosesIt() throws Exception {
        TestAgent agent = agent(Builds.account(), PORT, TestAgent.Mode.DIAL);
        Welcome welcome = agent.welcome();
        SSLSocket data = agent.dataConnection();
        TestAgent.writePreamble(data, DataPreamble.newBuilder().setTunnelId(welcome.getTunnelId())
                .setConnectionId(welcome.getDataPool().getPoolId()).setTicket(welcome.getDataPool().getTicket())
                .setPark(true).setReusable(true).build());
        assertStillOpen(data);

        TestAgent.writePreamble(data, DataPreamble.newBuilder().setTunnelId(welcome.getTunnelId())
                .setConnectionId("no-such-dial").setTicket(ByteString.copyFrom(new byte[16])).build());

        assertClosedByGateway(data);
    }

    @Test
    void withNothingParkedTheDialGoesOnTheControlStream() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.DIAL);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()),
                "http://127.0.0.1:" + origin().httpPort() + "/hello");

        assertEquals("200", result.httpCode(), result.stderr());
        assertEquals(1, agent.dials().size());
        assertEquals(List.of(), agent.writtenDials());
    }

    @Test
    void closesAParkingConnectionWithAWrongTicket() throws Exception {
        TestAgent agent = agent(Builds.account(), PORT, TestAgent.Mode.DIAL);
        Welcome welcome = agent.welcome();
        SSLSocket data = agent.dataConnection();

        TestAgent.writePreamble(data, DataPreamble.newBuilder().setTunnelId(welcome.getTunnelId())
                .setConnectionId(welcome.getDataPool().getPoolId()).setTicket(ByteString.copyFrom(new byte[16]))
                .setPark(true).build());

        assertClosedByGateway(data);
    }

    @Test
    void closesAParkingConnectionThatNamesAnotherTunnel() throws Exception {
        TestAgent mine = agent(Builds.account(), PORT, TestAgent.Mode.DIAL);
        TestAgent other = agent(Builds.account(), PORT, TestAgent.Mode.DIAL);
        DataPool pool = mine.welcome().getDataPool();
        SSLSocket data = mine.dataConnection();

        TestAgent.writePreamble(data, DataPreamble.newBuilder().setTunnelId(other.welcome().getTunnelId())
                .setConnectionId(pool.getPoolId()).setTicket(pool.getTicket()).setPark(true).build());

        assertClosedByGateway(data);
    }

    @Test
    void refusesToParkMoreThanThePoolSize() throws Exception {
        TestAgent agent = agent(Builds.account(), PORT, TestAgent.Mode.DIAL);
        List<SSLSocket> parked = new ArrayList<>();
        for (int i = 0; i < GatewayTestResource.DATA_POOL_SIZE; i++) {
            parked.add(agent.park());
        }
        for (SSLSocket socket : parked) {
            assertStillOpen(socket);
        }

        SSLSocket oneTooMany = agent.park();

        assertClosedByGateway(oneTooMany);
    }

    @Test
    void refusesASecondParkingPreambleOnOneConnection() throws Exception {
        TestAgent agent = agent(Builds.account(), PORT, TestAgent.Mode.DIAL);
        Welcome welcome = agent.welcome();
        SSLSocket data = agent.park();

        TestAgent.writePreamble(data, DataPreamble.newBuilder().setTunnelId(welcome.getTunnelId())
                .setConnectionId(welcome.getDataPool().getPoolId()).setTicket(welcome.getDataPool().getTicket())
                .setPark(true).build());

        assertClosedByGateway(data);
    }

    @Test
    void anAssigningPreambleForNoPendingDialClosesTheParkedConnection() throws Exception {
        TestAgent agent = agent(Builds.account(), PORT, TestAgent.Mode.DIAL);
        SSLSocket data = agent.park();

        TestAgent.writePreamble(data, DataPreamble.newBuilder().setTunnelId(agent.welcome().getTunnelId())
                .setConnectionId("no-such-dial").setTicket(ByteString.copyFrom(new byte[16])).build());

        assertClosedByGateway(data);
    }

    @Test
    void closesParkedConnectionsWhenTheirAgentStreamEnds() throws Exception {
        TestAgent agent = agent(Builds.account(), PORT, TestAgent.Mode.DIAL);
        SSLSocket first = agent.park();
        SSLSocket second = agent.park();
        assertStillOpen(first);

        agent.close();

        assertClosedByGateway(first);
        assertClosedByGateway(second);
    }

    @Test
    void closesAParkedConnectionLeftIdlePastThePoolsIdleTimeout() throws Exception {
        TestAgent agent = agent(Builds.account(), PORT, TestAgent.Mode.DIAL);
        SSLSocket data = agent.park();
        assertStillOpen(data);

        // The pool's idle timeout is 3 s here; the read below waits up to 10 s for the gateway to close it.
        assertClosedByGateway(data);
    }

    /** The gateway closes without a byte: the read sees the end of the stream (or a reset) well before 10 s. */
    private static void assertClosedByGateway(SSLSocket socket) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            assertEquals(-1, socket.getInputStream().read(), "the gateway sent bytes instead of closing");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the gateway kept the connection open", e);
        } catch (IOException e) {
            assertTrue(e.getMessage() != null, "closed with a reset: " + e);
        }
    }

    /** Nothing arrives and the connection stays open for a moment. */
    private static void assertStillOpen(SSLSocket socket) throws IOException {
        socket.setSoTimeout(300);
        try {
            int read = socket.getInputStream().read();
            throw new AssertionError("expected an open, silent connection; read returned " + read);
        } catch (SocketTimeoutException e) {
            // still open and silent
        }
    }
}
