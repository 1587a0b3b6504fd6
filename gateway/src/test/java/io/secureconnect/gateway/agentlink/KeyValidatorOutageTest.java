package io.secureconnect.gateway.agentlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.Curl;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.TestAgent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * key-validator down (ValidateToken and the revocation stream, as when every replica is gone): new agents are refused
 * at once (fail closed); tunnels admitted before serve on for {@code revocation-max-staleness}
 * ({@value GatewayTestResource#REVOCATION_MAX_STALENESS} here, 5 min by default), then close, and agents are refused
 * until the revocation stream is back; then everything works again with no restart. key-validator is a fake here:
 * it lies outside the gateway, and the outage must be switched on and off at will.
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class KeyValidatorOutageTest extends GatewayTestSupport {

    private static final int PORT = 30040;
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void admittedTunnelsServeThroughTheWindowThenTheGatewayFailsClosedUntilKeyValidatorIsBack() throws Exception {
        String account = Builds.account();
        TestAgent admitted = agent(account, PORT, TestAgent.Mode.DIAL);
        admitted.welcome();
        try {
            fixtures().keys().down(true);
            fixtures().keys().watchDown(true);

            assertEquals("200", build(account), "an admitted tunnel serves on while key-validator is down");
            TestAgent newcomer = unadmittedAgent(Builds.account(), "key_newcomer", PORT + 1, TestAgent.Mode.DIAL);
            assertEquals(Status.Code.UNAVAILABLE, newcomer.closedWith().getCode(), "new agents: fail closed");
            assertEquals("KEY_VALIDATOR_UNAVAILABLE", newcomer.closedReason());

            assertEquals(Status.Code.UNAVAILABLE, admitted.closedWith().getCode(),
                    "after revocation-max-staleness the admitted tunnel closes");
            assertEquals("KEY_VALIDATOR_UNAVAILABLE", admitted.closedReason());
            assertTrue(admitted.goodbyes().get(0).getRetryable(), "the agent may come back once key-validator is");
            await("the lease released", BOUND, () -> fixtures().registry().lease(account, PORT) == null);
            assertEquals("503", build(account), "the port's builds now meet 503: not connected");

            fixtures().keys().down(false); // ValidateToken answers, the revocation stream does not: still refused
            TestAgent partial = unadmittedAgent(account, "key_" + account, PORT, TestAgent.Mode.DIAL);
            assertEquals("KEY_VALIDATOR_UNAVAILABLE", partial.closedReason());
        } finally {
            fixtures().keys().down(false);
            fixtures().keys().watchDown(false);
        }
        TestAgent back = awaitAdmitted(account);
        assertNotNull(back.welcome());
        assertEquals("200", build(account), "after the outage the tunnel serves again, with no restart");
    }

    /** An agent of the account, admitted once the revocation stream has been up long enough to count. */
    private TestAgent awaitAdmitted(String account) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            TestAgent agent = unadmittedAgent(account, "key_" + account, PORT, TestAgent.Mode.DIAL);
            try {
                agent.welcome();
                return agent;
            } catch (java.util.concurrent.ExecutionException refused) {
                assertTrue(System.nanoTime() < deadline, "no agent admitted after the outage: " + refused);
                assertNull(fixtures().registry().lease(account, PORT), "a refused agent leased nothing");
                Thread.sleep(500);
            }
        }
    }

    private String build(String account) {
        String credential = Builds.credential(account, PORT, List.of("127.0.0.1"));
        return Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()),
                "http://127.0.0.1:" + origin().httpPort() + "/hello").httpCode();
    }
}
