package io.secureconnect.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.agent.config.AgentSettings;
import io.secureconnect.agent.dial.Allowlist;
import io.secureconnect.agent.dial.Resolver;
import io.secureconnect.agent.net.HostPort;
import io.secureconnect.agent.net.ProxySettings;
import io.secureconnect.agent.support.ConnectProxy;
import io.secureconnect.agent.support.DataEndpoint;
import io.secureconnect.agent.support.FakeGateway;
import io.secureconnect.agent.support.Origin;
import io.secureconnect.agent.support.TestPki;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS_PROXY: behind a corporate egress proxy the agent reaches the gateway only through HTTP CONNECT, for the
 * control channel and for each data connection, with the proxy's credentials. The in-test gateway stands in
 * for the real one (covered by the e2e suite); the proxy is outside the system.
 */
class AgentThroughProxyTest {

    @TempDir
    Path dir;

    @Test
    void reachesTheGatewayAndItsDataEndpointOnlyThroughTheProxy() throws Exception {
        TestPki pki = TestPki.create(dir);
        try (FakeGateway gateway = new FakeGateway(pki); ConnectProxy proxy = new ConnectProxy();
             Origin origin = new Origin(1024 * 1024)) {
            ProxySettings proxySettings = new ProxySettings(new HostPort("127.0.0.1", proxy.port()),
                    Optional.of("svc"), Optional.of("pr0xy-pw"));
            AgentSettings settings = new AgentSettings(30007, new HostPort("127.0.0.1", gateway.port()),
                    "pat.acct.tok.secret", Allowlist.parse("127.0.0.1:" + origin.port()), Optional.of(pki.caPem()),
                    Optional.of(proxySettings), Duration.ofSeconds(1), Duration.ofSeconds(60));
            try (Agent agent = new Agent(settings, Resolver.SYSTEM, why -> { })) {
                agent.start();
                FakeGateway.Session session = gateway.nextSession(Duration.ofSeconds(10));
                assertNotNull(session, "the control channel came through the proxy");
                session.next(AgentMessage.KindCase.HELLO, Duration.ofSeconds(5));
                session.welcome("tun-proxy", 30007, false, Duration.ofSeconds(1));
                session.dial("conn-via-proxy", "127.0.0.1", origin.port(), new byte[16], Duration.ofSeconds(5));

                DataEndpoint.Connection data = gateway.data().next(Duration.ofSeconds(10));
                assertNotNull(data, "the data connection came through the proxy");
                try (var socket = data.socket()) {
                    socket.getOutputStream().write("GET /blob HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    InputStream in = socket.getInputStream();
                    byte[] response = in.readAllBytes();
                    String text = new String(response, StandardCharsets.ISO_8859_1);
                    int body = text.indexOf("\r\n\r\n") + 4;
                    assertTrue(text.startsWith("HTTP/1.1 200"), text.substring(0, Math.min(80, text.length())));
                    assertEquals(origin.sha256(), Origin.sha256(java.util.Arrays.copyOfRange(response, body,
                            response.length)));
                }
            }
            String basic = "Basic " + Base64.getEncoder().encodeToString("svc:pr0xy-pw".getBytes(StandardCharsets.UTF_8));
            assertTrue(proxy.tunnels().contains(new ConnectProxy.Tunnel("127.0.0.1:" + gateway.port(), basic)),
                    "control channel CONNECT: " + proxy.tunnels());
            assertTrue(proxy.tunnels().contains(new ConnectProxy.Tunnel("127.0.0.1:" + gateway.data().port(), basic)),
                    "data connection CONNECT: " + proxy.tunnels());
        }
    }
}
