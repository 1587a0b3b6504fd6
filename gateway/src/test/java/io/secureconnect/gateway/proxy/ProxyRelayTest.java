package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.Curl;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.Origin;
import io.secureconnect.gateway.support.RawProxy;
import io.secureconnect.gateway.support.TestAgent;
import io.secureconnect.gateway.tunnel.TunnelKey;
import io.secureconnect.gateway.tunnel.TunnelManager;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class ProxyRelayTest extends GatewayTestSupport {

    private static final int PORT = 30010;

    private String credentialFor(String account) {
        return Builds.credential(account, PORT, List.of("127.0.0.1", "localhost"));
    }

    @Test
    void forwardsAnAbsoluteUriRequestInOriginFormWithoutTheCredential() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);
        String url = "http://127.0.0.1:" + origin().httpPort() + "/hello?from=build";

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credentialFor(account), proxyPort()), url);

        assertEquals("200", result.httpCode(), result.stderr());
        assertEquals("hello from the private network: GET /hello?from=build", result.text());
        Origin.Received received = origin().received().stream().filter(r -> r.uri().equals("/hello?from=build"))
                .reduce((first, second) -> second).orElseThrow();
        assertFalse(received.headers().containsKey("Proxy-authorization"), received.headers().toString());
        assertFalse(received.headers().containsKey("Proxy-connection"), received.headers().toString());
    }

    @Test
    void downloads20MegabytesThroughConnectWithTheRightSha256() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credentialFor(account), proxyPort()),
                "--cacert", fixtures().tls().ca().toString(), "https://127.0.0.1:" + origin().httpsPort() + "/big");

        assertEquals("200", result.connectCode(), result.stderr());
        assertEquals("200", result.httpCode(), result.stderr());
        assertEquals(Origin.BIG_SIZE, result.body().length);
        assertEquals(origin().bigSha256(), Origin.sha256(result.body()));
    }

    @Test
    void servesTheProxyOverTlsOnTheSamePort() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("https", credentialFor(account), proxyPort()),
                "--proxy-cacert", fixtures().tls().ca().toString(),
                "--cacert", fixtures().tls().ca().toString(), "https://localhost:" + origin().httpsPort() + "/tls");

        assertEquals("200", result.connectCode(), result.stderr());
        assertEquals("hello from the private network: GET /tls", result.text());
    }

    @Test
    void passesARequestBodyOnUntouchedFixedLengthAndChunked(@TempDir Path dir) throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(payload);
        Path file = dir.resolve("payload.bin");
        Files.write(file, payload);
        String proxy = Builds.proxyUrl("http", credentialFor(account), proxyPort());
        String url = "http://127.0.0.1:" + origin().httpPort() + "/echo";

        Curl.Result fixed = Curl.run("-x", proxy, "--data-binary", "@" + file, url);
        Curl.Result chunked = Curl.run("-x", proxy, "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file,
                url);

        assertEquals("200", fixed.httpCode(), fixed.stderr());
        assertEquals(Origin.sha256(payload), Origin.sha256(fixed.body()));
        assertEquals("200", chunked.httpCode(), chunked.stderr());
        assertEquals(Origin.sha256(payload), Origin.sha256(chunked.body()));
    }

    @Test
    void keepsOneUpstreamPerDestinationAndDialsAgainWhenTheHostChanges() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.DIAL);
        String auth = RawProxy.basic(credentialFor(account));
        int port = origin().httpPort();
        try (RawProxy proxy = new RawProxy(proxyPort())) {
            for (String host : List.of("127.0.0.1", "127.0.0.1", "localhost")) {
                proxy.send("GET http://" + host + ":" + port + "/keep HTTP/1.1\r\nHost: " + host + ":" + port
                        + "\r\nProxy-Authorization: " + auth + "\r\n\r\n");
                String response = proxy.readResponse();
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                assertTrue(response.endsWith("GET /keep"), response);
            }
        }
        assertEquals(2, agent.dials().size(), "one dial per destination: " + agent.dials());
    }

    @Test
    void sendsTheAbsoluteUrisAuthorityAsHostWhateverHostTheClientSent() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);
        String auth = RawProxy.basic(credentialFor(account));
        int port = origin().httpPort();
        String path = "/vhost-" + account;
        try (RawProxy proxy = new RawProxy(proxyPort())) {
            // The allowlist was checked against the URI: a Host naming another site must not reach a virtual host.
            proxy.send("GET http://127.0.0.1:" + port + path + " HTTP/1.1\r\nHost: secrets.other.example\r\n"
                    + "Proxy-Authorization: " + auth + "\r\n\r\n");
            String response = proxy.readResponse();
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
        }
        Origin.Received received = origin().received().stream().filter(r -> r.uri().equals(path)).findFirst()
                .orElseThrow();
        assertEquals(List.of("127.0.0.1:" + port), received.headers().get("Host"));
    }

    @Test
    void carries50ConcurrentConnectionsEachWithItsOwnPayloadIntact() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);
        String auth = RawProxy.basic(credentialFor(account));
        int echoPort = origin().echoPort();
        ExecutorService threads = Executors.newFixedThreadPool(100);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int seed = i;
                results.add(threads.submit(() -> echoThroughTunnel(threads, auth, echoPort, seed)));
            }
            for (int i = 0; i < 50; i++) {
                assertEquals("intact", results.get(i).get(60, TimeUnit.SECONDS), "connection " + i);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private String echoThroughTunnel(ExecutorService threads, String auth, int echoPort, int seed) throws Exception {
        byte[] payload = new byte[256 * 1024 + seed];
        new Random(seed).nextBytes(payload);
        try (RawProxy proxy = new RawProxy(proxyPort())) {
            proxy.send("CONNECT 127.0.0.1:" + echoPort + " HTTP/1.1\r\nHost: 127.0.0.1:" + echoPort
                    + "\r\nProxy-Authorization: " + auth + "\r\n\r\n");
            String head = proxy.readHead();
            if (!head.startsWith("HTTP/1.1 200")) {
                return "refused: " + head;
            }
            OutputStream out = proxy.socket().getOutputStream();
            Future<?> writing = threads.submit(() -> {
                out.write(payload);
                out.flush();
                return null;
            });
            InputStream in = proxy.socket().getInputStream();
            byte[] echoed = in.readNBytes(payload.length);
            writing.get(60, TimeUnit.SECONDS);
            return Origin.sha256(echoed).equals(Origin.sha256(payload)) ? "intact" : "corrupted";
        }
    }

    @Test
    void spreadsConnectionsOverTheAgentsOfATunnelAndSkipsOneThatDrains() throws Exception {
        String account = Builds.account();
        TestAgent first = agent(account, PORT, TestAgent.Mode.DIAL);
        TestAgent second = agent(account, PORT, TestAgent.Mode.DIAL);
        String proxy = Builds.proxyUrl("http", credentialFor(account), proxyPort());
        String url = "http://127.0.0.1:" + origin().httpPort() + "/spread";

        for (int i = 0; i < 6; i++) {
            assertEquals("200", Curl.run("-x", proxy, url).httpCode());
        }
        assertEquals(3, first.dials().size());
        assertEquals(3, second.dials().size());

        second.drain();
        Thread.sleep(500); // Draining is one message on the control stream
        for (int i = 0; i < 4; i++) {
            assertEquals("200", Curl.run("-x", proxy, url).httpCode());
        }
        assertEquals(3, second.dials().size(), "a draining agent gets no new connections");
    }

    @Test
    void movesNewConnectionsToTheRemainingAgentWhenOneIsLost() throws Exception {
        String account = Builds.account();
        TestAgent lost = agent(account, PORT, TestAgent.Mode.DIAL);
        TestAgent remaining = agent(account, PORT, TestAgent.Mode.DIAL);
        String proxy = Builds.proxyUrl("http", credentialFor(account), proxyPort());
        String url = "http://127.0.0.1:" + origin().httpPort() + "/ha";

        lost.kill();
        TunnelManager tunnels = Arc.container().instance(TunnelManager.class).get();
        await("the gateway noticed the lost agent", Duration.ofSeconds(5),
                () -> tunnels.find(new TunnelKey(account, PORT)).agentCount() == 1);
        int before = remaining.dials().size();
        for (int i = 0; i < 6; i++) {
            Curl.Result result = Curl.run("-x", proxy, url);
            assertEquals("200", result.httpCode(), "request " + i + ": " + result.text());
        }
        assertEquals(before + 6, remaining.dials().size());
    }

    @Test
    void movesADialToTheOtherAgentWhenItsAgentIsLostBeforeAnswering() throws Exception {
        String account = Builds.account();
        TestAgent lost = agent(account, PORT, TestAgent.Mode.SILENT);
        String proxy = Builds.proxyUrl("http", credentialFor(account), proxyPort());
        String url = "http://127.0.0.1:" + origin().httpPort() + "/moved";
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<Curl.Result> request = client.submit(() -> Curl.run("-x", proxy, url));
            await("the dial reached the agent that will be lost", Duration.ofSeconds(10),
                    () -> lost.dials().size() == 1);
            TestAgent remaining = agent(account, PORT, TestAgent.Mode.DIAL);
            lost.kill(); // like kill -9: the dial it holds is never answered

            Curl.Result result = request.get(30, TimeUnit.SECONDS);
            assertEquals("200", result.httpCode(), result.text());
            assertEquals(1, remaining.dials().size(), "the dial moved to the remaining agent");
            await("no dial left behind", Duration.ofSeconds(5), () -> pendingDials().size() == 0);
        } finally {
            client.shutdownNow();
        }
    }

    @Test
    void aTunnelWhoseOnlyAgentDrainsAnswers503SayingSo() throws Exception {
        String account = Builds.account();
        TestAgent only = agent(account, PORT, TestAgent.Mode.DIAL);
        String proxy = Builds.proxyUrl("http", credentialFor(account), proxyPort());
        String url = "http://127.0.0.1:" + origin().httpPort() + "/drained";

        only.drain();
        TunnelManager tunnels = Arc.container().instance(TunnelManager.class).get();
        await("the gateway read Draining", Duration.ofSeconds(5),
                () -> tunnels.find(new TunnelKey(account, PORT)).draining());
        Curl.Result result = Curl.run("-x", proxy, url);

        assertEquals("503", result.httpCode(), result.text());
        assertTrue(result.text().contains("its agents are draining"), result.text());
        assertEquals(0, only.dials().size(), "the draining agent got no dial");
    }
}
