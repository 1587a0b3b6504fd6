package io.secureconnect.gateway.agentlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.Curl;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.RawProxy;
import io.secureconnect.gateway.support.TestAgent;
import io.secureconnect.proto.tunnel.v1.Goodbye;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class TunnelClosingTest extends GatewayTestSupport {

    private static final int PORT = 30040;

    private static Goodbye goodbyeOf(TestAgent agent) throws Exception {
        agent.closedWith();
        return agent.goodbyes().get(0);
    }

    @Test
    void closesTheTunnelAndItsConnectionsWhenTheKeyIsRevoked() throws Exception {
        String account = Builds.account();
        TestAgent first = agent(account, PORT, TestAgent.Mode.DIAL);
        TestAgent second = agent(account, PORT, TestAgent.Mode.DIAL);
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));
        await("the gateway follows revocations", Duration.ofSeconds(5), () -> fixtures().keys().watchers() > 0);
        RawProxy open = new RawProxy(proxyPort());
        open.send("CONNECT 127.0.0.1:" + origin().echoPort() + " HTTP/1.1\r\nProxy-Authorization: "
                + RawProxy.basic(credential) + "\r\n\r\n");
        assertTrue(open.readHead().startsWith("HTTP/1.1 200"));

        long started = System.nanoTime();
        fixtures().keys().revoke(account, "key_" + account);

        for (TestAgent agent : List.of(first, second)) {
            Goodbye goodbye = goodbyeOf(agent);
            assertEquals(GoodbyeReason.GOODBYE_REASON_KEY_REVOKED, goodbye.getReason());
            assertFalse(goodbye.getRetryable());
            assertEquals(Status.Code.UNAUTHENTICATED, agent.closedWith().getCode());
        }
        assertEquals(-1, open.socket().getInputStream().read(), "the open connection was closed");
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(2).toNanos());
        open.close();
        assertEquals("503", Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()),
                "http://127.0.0.1:" + origin().httpPort() + "/after-revocation").httpCode());
        await("the lease was released", Duration.ofSeconds(2),
                () -> fixtures().registry().lease(account, PORT) == null);
    }

    @Test
    void closesTheTunnelWhenTheRegistrySaysTheLeaseIsLost() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.DIAL);

        fixtures().registry().loseLeasesOf(account);

        Goodbye goodbye = goodbyeOf(agent);
        assertEquals(GoodbyeReason.GOODBYE_REASON_LEASE_LOST, goodbye.getReason());
        assertTrue(goodbye.getRetryable());
        assertEquals("LEASE_LOST", agent.closedReason());
    }

    @Test
    void closesTheTunnelWhenAnOperatorForceReleasesItsLease() throws Exception {
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.DIAL);
        await("the gateway follows lease events", Duration.ofSeconds(5),
                () -> fixtures().registry().watchers() > 0);

        fixtures().registry().forceRelease(account, PORT);

        Goodbye goodbye = goodbyeOf(agent);
        assertEquals(GoodbyeReason.GOODBYE_REASON_FORCE_RELEASED, goodbye.getReason());
        assertEquals("FORCE_RELEASED", agent.closedReason());
    }
}
