package io.secureconnect.gateway.agentlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.registry.GatewayRegistration;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.FakeRegistry;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.TestAgent;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.tunnel.v1.Goodbye;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import io.secureconnect.proto.tunnel.v1.Welcome;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class AgentAdmissionTest extends GatewayTestSupport {

    private static final int PORT = 30030;

    @Test
    void welcomesAnAgentWithItsLeaseAndTheDataEndpoint() throws Exception {
        String account = Builds.account();
        TestAgent agent = unadmittedAgent(account, "key_" + account, PORT, TestAgent.Mode.DIAL);

        Welcome welcome = agent.welcome();

        Lease lease = fixtures().registry().lease(account, PORT);
        assertEquals(lease.getTunnelId(), welcome.getTunnelId());
        assertEquals(lease.getEpoch(), welcome.getEpoch());
        assertEquals("key_" + account, lease.getApiKeyId());
        assertEquals(GatewayTestResource.GATEWAY_ID, lease.getGatewayId());
        assertEquals(PORT, welcome.getPort());
        assertEquals(GatewayTestResource.GATEWAY_ID, welcome.getGatewayId());
        assertEquals(":" + ports().data(), welcome.getDataEndpoint(),
                "port only: the agent dials the host it reached the agent port at (no agent-data-host is set)");
        assertEquals(1, welcome.getHeartbeatInterval().getSeconds());
        assertFalse(welcome.getResumed());
        ValidateTokenRequest asked = fixtures().keys().requests().get(fixtures().keys().requests().size() - 1);
        assertEquals(List.of("core_pipeline_view"), asked.getRequiredPermissionsList());
        assertTrue(asked.getRequireAbacAll());
        assertTrue(asked.getLeaseReceipt(), "the gateway asks for the receipt the registry needs");
        AcquireLeaseRequest acquired = acquisitionsOf(account).get(0);
        assertFalse(acquired.getReceipt().isEmpty(), "the receipt went with AcquireLease");
        assertEquals(account, LeaseReceiptClaims.parseFrom(LeaseReceipt.parseFrom(acquired.getReceipt())
                .getClaims()).getAccountId());
    }

    @Test
    void leasesAgainAfterALostLeaseOnlyWithAFreshReceiptFromANewKeyCheck() throws Exception {
        String account = Builds.account();
        TestAgent first = agent(account, PORT, TestAgent.Mode.DIAL);
        first.welcome();
        fixtures().registry().loseLeasesOf(account);
        first.closedWith();
        int checksBefore = fixtures().keys().requests().size();

        agent(account, PORT, TestAgent.Mode.DIAL).welcome();

        assertTrue(fixtures().keys().requests().size() > checksBefore, "the key was validated again");
        List<AcquireLeaseRequest> acquisitions = acquisitionsOf(account);
        assertEquals(2, acquisitions.size());
        assertNotEquals(acquisitions.get(0).getReceipt(), acquisitions.get(1).getReceipt(),
                "the second acquisition carries a new receipt, not the first one kept");
    }

    private List<AcquireLeaseRequest> acquisitionsOf(String account) {
        return fixtures().registry().acquisitions().stream().filter(a -> a.getAccountId().equals(account)).toList();
    }

    @Test
    void givesTheSameKeyItsPortBackAfterAReconnect() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL).close();
        await("the lease was released", Duration.ofSeconds(2),
                () -> fixtures().registry().lease(account, PORT) == null);

        Welcome again = agent(account, PORT, TestAgent.Mode.DIAL).welcome();

        assertTrue(again.getResumed());
        assertEquals(PORT, again.getPort());
    }

    @Test
    void joinsAgentsOfTheSameKeyIntoOneTunnelAndReleasesWhenTheLastLeaves() throws Exception {
        String account = Builds.account();
        TestAgent first = agent(account, PORT, TestAgent.Mode.DIAL);
        TestAgent second = agent(account, PORT, TestAgent.Mode.DIAL);
        assertEquals(first.welcome().getTunnelId(), second.welcome().getTunnelId());
        assertEquals(first.welcome().getEpoch(), second.welcome().getEpoch());

        first.close();
        Thread.sleep(300);
        assertTrue(fixtures().registry().releases().stream().noneMatch(r -> r.getAccountId().equals(account)),
                "the tunnel still has an agent");

        second.close();
        await("the last agent's exit released the lease", Duration.ofSeconds(2),
                () -> fixtures().registry().releases().stream().anyMatch(r -> r.getAccountId().equals(account)
                        && r.getPort() == PORT && r.getEpoch() == lease(first).getEpoch()));
    }

    private static Welcome lease(TestAgent agent) {
        try {
            return agent.welcome();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void renewsTheLeaseWithTrafficCountersWhileAgentsAreConnected() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);

        await("a renewal within the lease TTL", Duration.ofSeconds(3),
                () -> fixtures().registry().renewals().stream().anyMatch(r -> r.getAccountId().equals(account)
                        && r.getCounters().getAgents() == 1 && r.getGatewayId().equals(GatewayTestResource.GATEWAY_ID)));
    }

    @Test
    void refusesAnUnknownKeyAsUnauthenticatedAndNotRetryable() throws Exception {
        TestAgent agent = connectWithToken("pat.nobody.nokey.secret", PORT, TestAgent.Mode.DIAL);

        assertEquals(Status.Code.UNAUTHENTICATED, agent.closedWith().getCode());
        assertEquals("KEY_UNKNOWN", agent.closedReason());
        Goodbye goodbye = agent.goodbyes().get(0);
        assertFalse(goodbye.getRetryable());
    }

    @Test
    void refusesARevokedKeyWithAKeyRevokedGoodbye() throws Exception {
        fixtures().keys().deny("pat.revoked", DenialReason.DENIAL_REASON_REVOKED, "the key was revoked");
        TestAgent agent = connectWithToken("pat.revoked", PORT, TestAgent.Mode.DIAL);

        assertEquals(Status.Code.UNAUTHENTICATED, agent.closedWith().getCode());
        assertEquals(GoodbyeReason.GOODBYE_REASON_KEY_REVOKED, agent.goodbyes().get(0).getReason());
    }

    @Test
    void refusesAKeyWithoutThePermissionAsPermissionDenied() throws Exception {
        fixtures().keys().deny("pat.viewer", DenialReason.DENIAL_REASON_MISSING_PERMISSION,
                "missing core_pipeline_view");
        TestAgent agent = connectWithToken("pat.viewer", PORT, TestAgent.Mode.DIAL);

        assertEquals(Status.Code.PERMISSION_DENIED, agent.closedWith().getCode());
        assertEquals("KEY_MISSING_PERMISSION", agent.closedReason());
        assertEquals("missing core_pipeline_view", agent.goodbyes().get(0).getMessage());
    }

    @Test
    void forwardsTheAgentsAddressWithEveryKeyCheck() throws Exception {
        fixtures().keys().deny("pat.forwarded", DenialReason.DENIAL_REASON_UNKNOWN, "unknown");
        int before = fixtures().keys().clientAddresses().size();
        connectWithToken("pat.forwarded", PORT, TestAgent.Mode.DIAL).closedWith();

        assertEquals(List.of("127.0.0.1"), fixtures().keys().clientAddresses()
                .subList(before, fixtures().keys().clientAddresses().size()).stream().distinct().toList(),
                "key-validator counts failures per agent address, not per gateway");
    }

    @Test
    void refusesAnAgentOverItsFailureBudgetAsResourceExhaustedAndRetryable() throws Exception {
        fixtures().keys().throttle("pat.throttled");
        TestAgent agent = connectWithToken("pat.throttled", PORT, TestAgent.Mode.DIAL);

        assertEquals(Status.Code.RESOURCE_EXHAUSTED, agent.closedWith().getCode());
        assertEquals("KEY_CHECKS_THROTTLED", agent.closedReason());
        Goodbye goodbye = agent.goodbyes().get(0);
        assertTrue(goodbye.getRetryable());
        assertTrue(goodbye.getMessage().contains("retry after 17 s"), goodbye.getMessage());
    }

    @Test
    void refusesACallWithoutAnApiKey() throws Exception {
        TestAgent agent = connectWithToken(null, PORT, TestAgent.Mode.DIAL);

        assertEquals(Status.Code.UNAUTHENTICATED, agent.closedWith().getCode());
        assertEquals("API_KEY_MISSING", agent.closedReason());
    }

    @Test
    void refusesAPortOutsideThePoolWithoutAskingTheRegistry() throws Exception {
        String account = Builds.account();
        TestAgent agent = unadmittedAgent(account, "key_" + account, 29999, TestAgent.Mode.DIAL);

        assertEquals(Status.Code.INVALID_ARGUMENT, agent.closedWith().getCode());
        assertEquals("PORT_OUT_OF_RANGE", agent.closedReason());
        assertTrue(agent.goodbyes().get(0).getMessage().contains("from 30000 to 30099"));
        assertNull(fixtures().registry().lease(account, 29999));
    }

    @Test
    void learnsAMovedPortPoolFromTheRegistryAndAdmitsAndRefusesByIt() throws Exception {
        GatewayRegistration registration = Arc.container().instance(GatewayRegistration.class).get();
        fixtures().registry().pool(FakeRegistry.pool(31000, 31009));
        try {
            await("the gateway learns the moved pool from a heartbeat", Duration.ofSeconds(30),
                    () -> registration.portPool().filter(p -> p.first() == 31000).isPresent());
            String account = Builds.account();
            assertEquals(31005, agent(account, 31005, TestAgent.Mode.DIAL).welcome().getPort());

            TestAgent refused = unadmittedAgent(account, "key_" + account, 30030, TestAgent.Mode.DIAL);
            assertEquals(Status.Code.INVALID_ARGUMENT, refused.closedWith().getCode());
            assertEquals("PORT_OUT_OF_RANGE", refused.closedReason());
            assertEquals("remote_port=30030: must be an integer from 31000 to 31009 (tunnel-registry's port pool)",
                    refused.goodbyes().get(0).getMessage());
            assertNull(fixtures().registry().lease(account, 30030));
        } finally {
            fixtures().registry().pool(FakeRegistry.pool(30000, 30099));
            await("the gateway learns the pool back", Duration.ofSeconds(30),
                    () -> registration.portPool().filter(p -> p.first() == 30000).isPresent());
        }
    }

    @Test
    void refusesAPortHeldByAnotherKeyOfTheAccount() throws Exception {
        String account = Builds.account();
        agent(account, PORT, TestAgent.Mode.DIAL);
        TestAgent other = unadmittedAgent(account, "key_other_" + account, PORT, TestAgent.Mode.DIAL);

        assertEquals(Status.Code.ALREADY_EXISTS, other.closedWith().getCode());
        assertEquals("PORT_HELD", other.closedReason());
        Goodbye goodbye = other.goodbyes().get(0);
        assertEquals(GoodbyeReason.GOODBYE_REASON_PORT_HELD, goodbye.getReason());
        assertFalse(goodbye.getRetryable());
    }

    @Test
    void failsClosedWhenKeyValidatorCannotBeReached() throws Exception {
        String account = Builds.account();
        fixtures().keys().down(true);
        try {
            TestAgent agent = unadmittedAgent(account, "key_" + account, PORT, TestAgent.Mode.DIAL);

            assertEquals(Status.Code.UNAVAILABLE, agent.closedWith().getCode());
            assertEquals("KEY_VALIDATOR_UNAVAILABLE", agent.closedReason());
            assertTrue(agent.goodbyes().get(0).getRetryable());
            assertNull(fixtures().registry().lease(account, PORT));
        } finally {
            fixtures().keys().down(false);
        }
    }

    @Test
    void failsClosedWhenTheRegistryCannotGrantTheLease() throws Exception {
        String account = Builds.account();
        fixtures().registry().down(true);
        try {
            TestAgent agent = unadmittedAgent(account, "key_" + account, PORT, TestAgent.Mode.DIAL);

            assertEquals(Status.Code.UNAVAILABLE, agent.closedWith().getCode());
            assertEquals("REGISTRY_UNAVAILABLE", agent.closedReason());
            assertTrue(agent.goodbyes().get(0).getRetryable());
        } finally {
            fixtures().registry().down(false);
        }
    }
}
