package io.secureconnect.gateway.agentlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.RawAgentStream;
import io.secureconnect.gateway.support.RawProxy;
import io.secureconnect.gateway.support.TestAgent;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.DialResult;
import io.secureconnect.proto.tunnel.v1.DialStatus;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.Hello;
import io.secureconnect.proto.tunnel.v1.Welcome;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that speaks the tunnel protocol itself, skipping every check the real agent makes, against what the
 * gateway must enforce on its own: the account of a tunnel is its key's (never the agent's say), ports stay in
 * 30000-30099, a dial's outcome and its data connection come only from the agent it was sent to.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class RogueAgentTest extends GatewayTestSupport {

    private static final int PORT = 30070;
    private RawAgentStream rogue;

    @AfterEach
    void closeRogue() {
        if (rogue != null) {
            rogue.close();
        }
    }

    /** A rogue stream with a valid key of {@code account}, its Hello for {@code port} sent. */
    private RawAgentStream rogue(String account, int port) throws Exception {
        String token = "pat." + account + ".key_" + account + "." + UUID.randomUUID();
        fixtures().keys().allow(token, account, "key_" + account);
        rogue = new RawAgentStream(ports().agent(), fixtures().tls(), token);
        rogue.send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setRemotePort(port).setAgentId("rogue")
                .setHostname("rogue").setAgentVersion("0")).build());
        return rogue;
    }

    private static String connect(String credential, String destination) {
        return "CONNECT " + destination + " HTTP/1.1\r\nHost: " + destination + "\r\nProxy-Authorization: "
                + RawProxy.basic(credential) + "\r\n\r\n";
    }

    @Test
    void aKeyOfAnotherAccountAskingForATakenPortGetsATunnelOfItsOwnAccountNeverTheHolders() throws Exception {
        String victim = Builds.account();
        TestAgent victimAgent = agent(victim, PORT, TestAgent.Mode.REFUSE);
        Lease victimLease = fixtures().registry().lease(victim, PORT);
        String attacker = Builds.account();

        Welcome welcome = rogue(attacker, PORT).awaitMessage(0).getWelcome();

        assertNotEquals(victimAgent.welcome().getTunnelId(), welcome.getTunnelId());
        assertEquals(victimLease, fixtures().registry().lease(victim, PORT), "the victim's lease is untouched");
        try (RawProxy build = new RawProxy(proxyPort())) {
            build.send(connect(Builds.credential(victim, PORT, List.of("git.victim.example")), "git.victim.example:443"));
            assertTrue(build.readAll().startsWith("HTTP/1.1 502 "), "the victim's build reached the victim's agent");
        }
        assertEquals(1, victimAgent.dials().size());
        assertTrue(rogue.received().stream().noneMatch(GatewayMessage::hasDialRequest),
                "the rogue never saw the victim's dial: " + rogue.received());
    }

    @Test
    void refusesEveryPortOutsideThePoolWithoutLeasingAnything() throws Exception {
        for (int port : new int[] {29999, 30100, 0, -1, 443, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            String account = Builds.account();
            RawAgentStream.Closed closed = rogue(account, port).closed();
            assertEquals(Status.Code.INVALID_ARGUMENT, closed.status().getCode(), "port " + port);
            assertEquals("PORT_OUT_OF_RANGE", closed.reason());
            assertTrue(fixtures().registry().acquisitions().stream().noneMatch(a -> a.getAccountId().equals(account)));
            rogue.close();
        }
    }

    /**
     * A rogue that somehow learned another tunnel's pending dial (its connection id and even its ticket) can neither
     * fail it with a DialResult nor take it with a data connection of its own tunnel: the dial ends as its own agent
     * leaves it (here: silent, so at the dial timeout).
     */
    @Test
    void cannotFailOrTakeAnotherTunnelsDial() throws Exception {
        String victim = Builds.account();
        TestAgent victimAgent = agent(victim, PORT, TestAgent.Mode.SILENT);
        Welcome rogueWelcome = rogue(Builds.account(), PORT).awaitMessage(0).getWelcome();
        try (RawProxy build = new RawProxy(proxyPort())) {
            build.send(connect(Builds.credential(victim, PORT, List.of("git.victim.example")), "git.victim.example:443"));
            await("the victim's agent got the dial", Duration.ofSeconds(5), () -> victimAgent.dials().size() == 1);
            DialRequest dial = victimAgent.dials().get(0);

            rogue.send(AgentMessage.newBuilder().setDialResult(DialResult.newBuilder()
                    .setConnectionId(dial.getConnectionId()).setStatus(DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST)
                    .setMessage("rogue")).build());
            assertEquals("closed", claim(rogueWelcome.getTunnelId(), dial.getConnectionId(), dial.getTicket()),
                    "its own tunnel id with the stolen ticket");
            assertEquals("closed", claim(victimAgent.welcome().getTunnelId(), dial.getConnectionId(),
                    ByteString.copyFrom(new byte[dial.getTicket().size()])), "the victim's tunnel id, a guessed ticket");
            assertEquals(1, pendingDials().size(), "the dial still waits for its own agent");

            String answer = build.readAll();
            assertTrue(answer.startsWith("HTTP/1.1 504 "), "it ended at its timeout, not by the rogue: " + answer);
        }
        assertTrue(rogue.received().stream().noneMatch(GatewayMessage::hasDialRequest));
    }

    /** A data connection with this preamble: "closed" when the gateway closed it without a byte. */
    private static String claim(String tunnelId, String connectionId, ByteString ticket) throws Exception {
        try (SSLSocket data = (SSLSocket) fixtures().tls().clientContext().getSocketFactory()
                .createSocket("127.0.0.1", ports().data())) {
            data.setSoTimeout(10_000);
            TestAgent.writePreamble(data, DataPreamble.newBuilder().setTunnelId(tunnelId).setConnectionId(connectionId)
                    .setTicket(ticket).build());
            InputStream in = data.getInputStream();
            return in.read() < 0 ? "closed" : "answered";
        }
    }
}
