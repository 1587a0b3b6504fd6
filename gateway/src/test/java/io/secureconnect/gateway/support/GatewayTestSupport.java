package io.secureconnect.gateway.support;

import io.quarkus.arc.Arc;
import io.secureconnect.gateway.runtime.GatewayLifecycle;
import io.secureconnect.gateway.tunnel.PendingDials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/** Shared by the gateway's Quarkus tests: its ports, agents that clean up after each test, the origin, waiting. */
public abstract class GatewayTestSupport {

    private static Origin origin;
    private final List<TestAgent> agents = new ArrayList<>();

    protected static GatewayTestResource.Fixtures fixtures() {
        return GatewayTestResource.fixtures();
    }

    protected static GatewayLifecycle.Ports ports() {
        return Arc.container().instance(GatewayLifecycle.class).get().ports();
    }

    protected static int proxyPort() {
        return ports().proxy().get(0);
    }

    protected static PendingDials pendingDials() {
        return Arc.container().instance(PendingDials.class).get();
    }

    protected static synchronized Origin origin() {
        if (origin == null) {
            try {
                origin = new Origin(fixtures().tls());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return origin;
    }

    /** An agent of the account's key "key_<account>" on the port, admitted (its Welcome received). */
    protected TestAgent agent(String accountId, int port, TestAgent.Mode mode) throws Exception {
        TestAgent agent = unadmittedAgent(accountId, "key_" + accountId, port, mode);
        agent.welcome();
        return agent;
    }

    /** An agent whose admission the test checks itself. */
    protected TestAgent unadmittedAgent(String accountId, String apiKeyId, int port, TestAgent.Mode mode)
            throws IOException {
        String token = "pat." + accountId + "." + apiKeyId + "." + UUID.randomUUID();
        fixtures().keys().allow(token, accountId, apiKeyId);
        return connectWithToken(token, port, mode);
    }

    protected TestAgent connectWithToken(String token, int port, TestAgent.Mode mode) throws IOException {
        TestAgent agent = TestAgent.connect(ports().agent(), fixtures().tls(), token, port, mode);
        agents.add(agent);
        return agent;
    }

    @AfterEach
    void closeAgents() {
        agents.forEach(TestAgent::close);
        agents.clear();
    }

    protected static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
