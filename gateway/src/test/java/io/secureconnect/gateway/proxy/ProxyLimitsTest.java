package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.Curl;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.RawProxy;
import io.secureconnect.gateway.support.TestAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy's limits against slow, silent and greedy clients, with small limits (a profile of its own, so the other
 * tests keep the defaults). Its own echo server: the shared origin's TLS material belongs to the default profile's run.
 */
@QuarkusTest
@TestProfile(ProxyLimitsTest.SmallLimits.class)
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class ProxyLimitsTest extends GatewayTestSupport {

    static final int HEAD_TIMEOUT_SECONDS = 3;
    static final int MAX_PER_SOURCE = 4;
    static final int MAX_PER_BUILD = 3;
    static final int MAX_PER_ACCOUNT = 5;
    private static final int PORT = 30030;

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "secureconnect.gateway.proxy.head-timeout", HEAD_TIMEOUT_SECONDS + "s",
                    "secureconnect.gateway.proxy.max-unauthenticated-per-source", String.valueOf(MAX_PER_SOURCE),
                    "secureconnect.gateway.proxy.max-connections-per-build", String.valueOf(MAX_PER_BUILD),
                    "secureconnect.gateway.proxy.max-connections-per-account", String.valueOf(MAX_PER_ACCOUNT));
        }
    }

    private static ServerSocket echo;

    @BeforeAll
    static void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread pump = new Thread(() -> {
                        try (socket) {
                            socket.getInputStream().transferTo(socket.getOutputStream());
                        } catch (IOException e) {
                            // the test closed its end
                        }
                    });
                    pump.setDaemon(true);
                    pump.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterAll
    static void stopEcho() throws IOException {
        echo.close();
    }

    private static String connectHead(String credential) {
        String destination = "127.0.0.1:" + echo.getLocalPort();
        return "CONNECT " + destination + " HTTP/1.1\r\nHost: " + destination + "\r\n"
                + (credential == null ? "" : "Proxy-Authorization: " + RawProxy.basic(credential) + "\r\n") + "\r\n";
    }

    /** A CONNECT to the echo server with this credential; the response head read. */
    private static Connected connect(String credential) throws IOException {
        RawProxy proxy = new RawProxy(proxyPort());
        proxy.send(connectHead(credential));
        return new Connected(proxy, proxy.readHead());
    }

    private record Connected(RawProxy proxy, String head) implements AutoCloseable {
        boolean established() {
            return head.startsWith("HTTP/1.1 200");
        }

        /** Whatever follows the head, to the close. */
        String rest() throws IOException {
            return proxy.readAll();
        }

        boolean echoes(String text) throws IOException {
            proxy.send(text);
            byte[] back = proxy.socket().getInputStream().readNBytes(text.length());
            return text.equals(new String(back, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void close() throws IOException {
            proxy.close();
        }
    }

    private static SourceLimits sources() {
        return Arc.container().instance(SourceLimits.class).get();
    }

    private static ConnectionCaps caps() {
        return Arc.container().instance(ConnectionCaps.class).get();
    }

    private static void closeAll(List<? extends AutoCloseable> connections) throws Exception {
        for (AutoCloseable each : connections) {
            each.close();
        }
    }

    @Test
    void answers408AtTheHeadDeadlineToAHeadTrickledInAByteASecond() throws Exception {
        byte[] head = connectHead(null).getBytes(StandardCharsets.ISO_8859_1);
        AtomicInteger sent = new AtomicInteger();
        try (RawProxy proxy = new RawProxy(proxyPort())) {
            OutputStream out = proxy.socket().getOutputStream();
            Thread trickle = new Thread(() -> {
                try {
                    for (byte b : head) {
                        out.write(b);
                        out.flush();
                        sent.incrementAndGet();
                        Thread.sleep(1000);
                    }
                } catch (IOException | InterruptedException e) {
                    // the proxy closed, or the test ended
                }
            });
            trickle.setDaemon(true);
            long started = System.nanoTime();
            trickle.start();

            String response = proxy.readAll();
            long waitedMillis = (System.nanoTime() - started) / 1_000_000;
            trickle.interrupt();

            assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), response);
            assertTrue(response.contains("\r\nConnection: close\r\n"), response);
            assertTrue(response.contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"), response);
            assertTrue(response.endsWith("the request head did not arrive within " + HEAD_TIMEOUT_SECONDS
                    + " s of connecting\n"), response);
            assertTrue(waitedMillis >= HEAD_TIMEOUT_SECONDS * 1000 - 200, "not before the deadline: " + waitedMillis);
            assertTrue(waitedMillis < 15_000, "the trickle (" + head.length + " s in all) did not move the deadline: "
                    + waitedMillis + " ms");
            assertTrue(sent.get() < head.length, "the head was still incomplete: " + sent.get() + " bytes sent");
        }
    }

    @Test
    void refusesTheConnectionOverItsSourcesCapWith429WhileAnotherSourceIsServed() throws Exception {
        InetAddress here = InetAddress.getByName("127.0.0.1");
        await("no unauthenticated connection of an earlier test left", Duration.ofSeconds(10),
                () -> sources().unauthenticated(here) == 0);
        List<RawProxy> silent = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_SOURCE; i++) {
                silent.add(new RawProxy(proxyPort()));
            }
            await("the gateway counted the silent connections", Duration.ofSeconds(2),
                    () -> sources().unauthenticated(here) == MAX_PER_SOURCE);

            try (RawProxy over = new RawProxy(proxyPort())) {
                String response = over.readAll();
                assertTrue(response.startsWith("HTTP/1.1 429 Too Many Requests\r\n"), response);
                assertTrue(response.contains("\r\nRetry-After: 1\r\n"), response);
                assertTrue(response.contains("\r\nConnection: close\r\n"), response);
                assertTrue(response.contains("this address already has " + MAX_PER_SOURCE + " connections waiting"),
                        response);
                assertTrue(response.contains("max-unauthenticated-per-source"), response);
            }
            Curl.Result curl = Curl.run("-x", "http://127.0.0.1:" + proxyPort(), "http://127.0.0.1:9/");
            assertEquals("429", curl.httpCode(), "a client that sends its request at once reads the 429 too: "
                    + curl.stderr());
            try (RawProxy otherSource = new RawProxy("127.0.0.2", proxyPort())) {
                otherSource.send(connectHead(null));
                String response = otherSource.readAll();
                assertTrue(response.startsWith("HTTP/1.1 407 "), "another address is served: " + response);
            }

            silent.get(0).close();
            await("a closed connection leaves its source's count", Duration.ofSeconds(5),
                    () -> sources().unauthenticated(here) < MAX_PER_SOURCE);
            try (RawProxy again = new RawProxy(proxyPort())) {
                again.send(connectHead(null));
                String response = again.readAll();
                assertTrue(response.startsWith("HTTP/1.1 407 "), "a place came free: " + response);
            }
            for (RawProxy each : silent.subList(1, silent.size())) {
                String response = each.readAll();
                assertTrue(response.startsWith("HTTP/1.1 408 Request Timeout\r\n"), "silent ones end at the "
                        + "deadline: " + response);
            }
            await("connections ended by the deadline leave the count", Duration.ofSeconds(5),
                    () -> sources().unauthenticated(here) == 0);
        } finally {
            closeAll(silent);
        }
    }

    @Test
    void refusesABuildOverItsCapWith429AndServesItAgainOnceOneOfItsConnectionsCloses() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));
        List<Connected> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_BUILD; i++) {
                open.add(connect(credential));
                assertTrue(open.get(i).established(), open.get(i).head());
            }
            assertEquals(0, sources().unauthenticated(InetAddress.getByName("127.0.0.1")),
                    "authorized connections no longer count against their source");

            try (Connected over = connect(credential)) {
                assertTrue(over.head().startsWith("HTTP/1.1 429 Too Many Requests\r\n"), over.head());
                assertTrue(over.head().contains("\r\nRetry-After: 1\r\n"), over.head());
                String body = over.rest();
                assertTrue(body.contains("this build already has " + MAX_PER_BUILD + " connections open"), body);
                assertTrue(body.contains("max-connections-per-build"), body);
            }
            assertTrue(open.get(1).echoes("still relaying"), "the refusal touched none of the open ones");

            open.remove(0).close();
            await("the closed connection left the build's count", Duration.ofSeconds(5),
                    () -> caps().openForAccount(account) == MAX_PER_BUILD - 1);
            try (Connected again = connect(credential)) {
                assertTrue(again.established(), again.head());
                assertTrue(again.echoes("hello again"));
            }
        } finally {
            closeAll(open);
        }
        await("every connection left the counts", Duration.ofSeconds(5), () -> caps().openForAccount(account) == 0);
    }

    @Test
    void refusesAnAccountOverItsCapAcrossItsBuildsWith429AndServesItAgainOnceOneCloses() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);
        String firstBuild = Builds.credential(account, PORT, List.of("127.0.0.1"));
        String secondBuild = Builds.credential(account, PORT, List.of("127.0.0.1"));
        List<Connected> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_ACCOUNT; i++) {
                Connected connected = connect(i < MAX_PER_BUILD ? firstBuild : secondBuild);
                open.add(connected);
                assertTrue(connected.established(), connected.head());
            }

            try (Connected over = connect(secondBuild)) {
                assertTrue(over.head().startsWith("HTTP/1.1 429 Too Many Requests\r\n"), over.head());
                String body = over.rest();
                assertTrue(body.contains("this account already has " + MAX_PER_ACCOUNT + " connections open"), body);
                assertTrue(body.contains("max-connections-per-account"), body);
            }
            try (Connected otherAccount = connect(Builds.credential(Builds.account(), PORT, List.of("127.0.0.1")))) {
                assertTrue(otherAccount.head().startsWith("HTTP/1.1 503 "), "another account is not held back by "
                        + "this one's cap (it has no agent: 503): " + otherAccount.head());
            }

            open.remove(0).close();
            await("the closed connection left the account's count", Duration.ofSeconds(5),
                    () -> caps().openForAccount(account) == MAX_PER_ACCOUNT - 1);
            try (Connected again = connect(secondBuild)) {
                assertTrue(again.established(), again.head());
                assertTrue(again.echoes("hello again"));
            }
        } finally {
            closeAll(open);
        }
    }

    @Test
    void aRelayEstablishedBeforeTheHeadDeadlineOutlivesIt() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);
        try (Connected relay = connect(Builds.credential(account, PORT, List.of("127.0.0.1")))) {
            assertTrue(relay.established(), relay.head());

            Thread.sleep(HEAD_TIMEOUT_SECONDS * 1000L + 1000);

            assertTrue(relay.echoes("after the deadline"));
        }
    }
}
