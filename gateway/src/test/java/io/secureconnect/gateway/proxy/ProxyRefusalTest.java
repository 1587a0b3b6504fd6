package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.common.credential.BuildCredentialCodec;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.Curl;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.RawProxy;
import io.secureconnect.gateway.support.TestAgent;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class ProxyRefusalTest extends GatewayTestSupport {

    private static final int PORT = 30020;

    private String target() {
        return "http://127.0.0.1:" + origin().httpPort() + "/private";
    }

    private String connectRequest(String destination, String credential) {
        return "CONNECT " + destination + " HTTP/1.1\r\nHost: " + destination + "\r\n"
                + (credential == null ? "" : "Proxy-Authorization: " + RawProxy.basic(credential) + "\r\n") + "\r\n";
    }

    @Test
    void asksForTheCredentialWith407WhenThereIsNone() throws Exception {
        try (RawProxy proxy = new RawProxy(proxyPort())) {
            proxy.send(connectRequest("127.0.0.1:443", null));
            String response = proxy.readAll();
            assertTrue(response.startsWith("HTTP/1.1 407 Proxy Authentication Required\r\n"), response);
            assertTrue(response.contains("\r\nProxy-Authenticate: Basic realm=\"secure-connect\"\r\n"), response);
        }
        Curl.Result curl = Curl.run("-x", "http://127.0.0.1:" + proxyPort(), target());
        assertEquals("407", curl.httpCode());
    }

    @Test
    void refusesACredentialSignedByAnotherKeyWith407() {
        String forged = BuildCredentialCodec.sign(new BuildCredential("acct_forged", "b", PORT, List.of("*"),
                Instant.now().plusSeconds(600)), Ed25519Keys.generate().getPrivate());

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", forged, proxyPort()), target());

        assertEquals("407", result.httpCode());
        assertTrue(result.text().contains("does not verify"), result.text());
        assertFalse(result.text().contains(forged), "never echo the credential");
    }

    @Test
    void refusesAMalformedCredentialWith407() {
        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", "v1.not-a-credential", proxyPort()), target());

        assertEquals("407", result.httpCode());
        assertTrue(result.text().contains("malformed"), result.text());
    }

    @Test
    void refusesAnExpiredCredentialWith403() {
        String expired = Builds.credential(Builds.account(), PORT, List.of("127.0.0.1"), Duration.ofSeconds(-5));

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", expired, proxyPort()), target());

        assertEquals("403", result.httpCode());
        assertTrue(result.text().contains("expired"), result.text());
    }

    @Test
    void refusesADestinationOutsideTheBuildsAllowlistWith403NamingIt() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.DIAL);
        String credential = Builds.credential(account, PORT, List.of("bitbucket.myorg.com:443", "*.corp.example"));

        try (RawProxy proxy = new RawProxy(proxyPort())) {
            proxy.send(connectRequest("secrets.other.example:443", credential));
            String response = proxy.readAll();
            assertTrue(response.startsWith("HTTP/1.1 403 Forbidden"), response);
            assertTrue(response.contains("destination secrets.other.example:443 is not in this build's allowlist"),
                    response);
        }
        Curl.Result wrongPort = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()),
                "http://bitbucket.myorg.com:80/");
        assertEquals("403", wrongPort.httpCode());
        assertTrue(agent.dials().isEmpty(), "nothing was dialed for a refused destination");
    }

    @Test
    void answers503WhenTheAccountsTunnelHasNoAgent() throws Exception {
        String otherAccount = Builds.account();
        agent(otherAccount, PORT, TestAgent.Mode.DIAL);
        String credential = Builds.credential(Builds.account(), PORT, List.of("127.0.0.1"));

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()), target());

        assertEquals("503", result.httpCode(), "another account's tunnel on the same port is not this one's");
        assertTrue(result.text().contains("no agent is connected for port " + PORT), result.text());
    }

    @Test
    void answers502WithTheAgentsReasonWhenTheAgentRefusesTheDestination() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.REFUSE);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()), target());

        assertEquals("502", result.httpCode());
        assertTrue(result.text().contains("REFUSED_BY_ALLOWLIST: 127.0.0.1 is not in ALLOW"), result.text());
        assertEquals(0, pendingDials().size());
    }

    @Test
    void answers502DataConnectionFailedWhenTheAgentCannotOpenADataConnection() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.NO_DATA_CONNECTION);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));

        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()), target());

        assertEquals("502", result.httpCode());
        assertTrue(result.text().contains("the agent could not open a data connection to the gateway: connection "
                + "refused by 127.0.0.1:1"), result.text());
        assertFalse(result.text().contains("could not reach the destination"),
                "the destination was never the problem: " + result.text());
        assertEquals(0, pendingDials().size());
    }

    @Test
    void answers502WhenTheAgentCannotConnectToTheDestination() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));

        try (RawProxy proxy = new RawProxy(proxyPort())) {
            proxy.send(connectRequest("127.0.0.1:" + closedPort, credential));
            String response = proxy.readAll();
            assertTrue(response.startsWith("HTTP/1.1 502 Bad Gateway"), response);
            assertTrue(response.contains("CONNECTION_REFUSED"), response);
        }
    }

    @Test
    void answers504WhenTheAgentDoesNotDialInTime() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.SILENT);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));

        long started = System.nanoTime();
        Curl.Result result = Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()), target());
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;

        assertEquals("504", result.httpCode());
        assertTrue(waitedMillis >= 2900, "waited the dial timeout (3 s): " + waitedMillis);
        assertEquals(0, pendingDials().size());
    }

    @Test
    void leavesNoPendingDialWhenTheClientHangsUp() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.SILENT);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));
        RawProxy proxy = new RawProxy(proxyPort());
        proxy.send(connectRequest("127.0.0.1:" + origin().httpPort(), credential));
        await("the dial request reached the agent", Duration.ofSeconds(2), () -> agent.dials().size() == 1);
        assertEquals(1, pendingDials().size());

        proxy.close();

        await("the pending dial is gone well before its 3 s deadline", Duration.ofMillis(1000),
                () -> pendingDials().size() == 0);
    }

    @Test
    void answers431ToAClientStillSendingAHugeHead() throws Exception {
        try (RawProxy proxy = new RawProxy(proxyPort())) {
            Thread sender = new Thread(() -> {
                try {
                    proxy.send(connectRequest("127.0.0.1:443", null).replace("\r\n\r\n", "\r\nX-Big: ")
                            + "b".repeat(4 * 1024 * 1024) + "\r\n\r\n");
                } catch (java.io.IOException e) {
                    // the proxy closed while we were still sending
                }
            });
            sender.setDaemon(true);
            sender.start();
            String response = proxy.readAll();
            assertTrue(response.startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"), response);
            assertTrue(response.endsWith("the request headers are larger than 32 KiB\n"), response);
        }
    }

    @Test
    void refusesAnOriginFormRequestWith400() throws Exception {
        String credential = Builds.credential(Builds.account(), PORT, List.of("127.0.0.1"));
        try (RawProxy proxy = new RawProxy(proxyPort())) {
            proxy.send("GET /not-a-proxy-request HTTP/1.1\r\nHost: x\r\nProxy-Authorization: "
                    + RawProxy.basic(credential) + "\r\n\r\n");
            String response = proxy.readAll();
            assertTrue(response.startsWith("HTTP/1.1 400 Bad Request"), response);
            assertTrue(response.contains("send CONNECT host:port, or an absolute http:// URI"), response);
        }
    }
}
