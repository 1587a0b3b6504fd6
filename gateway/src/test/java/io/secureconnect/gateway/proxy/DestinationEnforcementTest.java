package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.RawProxy;
import io.secureconnect.gateway.support.TestAgent;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.testing.fuzz.FuzzRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The gateway enforces a build's destination allowlist itself: behind it sits an agent that would dial anything (a
 * rogue, or one without ALLOW), and it must be asked only for destinations the credential allows, exactly the
 * destination that was checked (no second host smuggled in through userinfo, fragment, query or Host).
 */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class DestinationEnforcementTest extends GatewayTestSupport {

    private static final int PORT = 30080;

    /** Absolute URIs that name two hosts, and the one (if any) that may be dialled. */
    private static final String[][] TWO_HOSTS = {
        {"http://allowed.example:443@evil.example:443/", null},
        {"http://evil.example:443#@allowed.example:443/", null},
        {"http://evil.example:443?@allowed.example:443/", null},
        {"http://x.corp.example@evil.example/", null},
        {"http://x.corp.example:80@evil.example:80/x", null},
        {"http://evil.example\\@x.corp.example/", "x.corp.example:80"},
        {"http://evil.example/@x.corp.example/", null},
    };

    @Test
    void dialsOnlyTheCheckedDestinationAndOnlyWhenTheCredentialAllowsIt() throws Exception {
        FuzzRun run = FuzzRun.fromSystemProperties("gateway destination allowlist (1 in 500)", 100_000);
        Random random = run.input().random();
        String account = Builds.account();
        TestAgent agent = agent(account, PORT, TestAgent.Mode.REFUSE); // dials nothing, answers every dial 502
        String credential = Builds.credential(account, PORT, ProxyInputs.ALLOWLIST);
        List<String> failures = new ArrayList<>();
        int tried = 0;
        for (String[] twoHosts : TWO_HOSTS) {
            check(agent, credential, "GET " + twoHosts[0], twoHosts[1], failures);
            tried++;
        }
        for (int i = 0, n = run.count() / 500; i < n; i++, tried++) {
            boolean allowed = random.nextBoolean();
            String destination = allowed ? pick(random, ProxyInputs.ALLOWED) : pick(random, ProxyInputs.NOT_ALLOWED);
            String line = random.nextBoolean() ? "CONNECT " + destination
                    : pick(random, "GET", "POST", "PUT") + " http://" + destination + "/p";
            check(agent, credential, line, allowed ? normalized(destination) : null, failures);
        }
        System.out.printf("destination allowlist: %d requests, %d dials%n", tried, agent.dials().size());
        assertTrue(failures.isEmpty(), "replay with -Dfuzz.seed=" + run.seed() + ":\n" + String.join("\n", failures));
    }

    /** Sends the request (with a Host naming another site); {@code dialed} null: it must be refused, nothing dialled. */
    private void check(TestAgent agent, String credential, String requestLine, String dialed, List<String> failures)
            throws Exception {
        int dialsBefore = agent.dials().size();
        String answer;
        try (RawProxy proxy = new RawProxy(proxyPort())) {
            proxy.send(requestLine + " HTTP/1.1\r\nHost: evil.example\r\nProxy-Authorization: "
                    + RawProxy.basic(credential) + "\r\n\r\n");
            answer = proxy.readAll();
        }
        List<DialRequest> dials = agent.dials().subList(dialsBefore, agent.dials().size());
        if (dialed == null) {
            if (!answer.startsWith("HTTP/1.1 403 ") || !dials.isEmpty()) {
                failures.add(requestLine + ": expected 403 and no dial, got " + answer.lines().findFirst().orElse("")
                        + " and dials " + dials);
            }
        } else if (!answer.startsWith("HTTP/1.1 502 ") || dials.size() != 1
                || !dialed.equals(dials.get(0).getHost() + ":" + dials.get(0).getPort())) {
            failures.add(requestLine + ": expected one dial of " + dialed + ", got " + answer.lines().findFirst()
                    .orElse("") + " and dials " + dials);
        }
    }

    /** host:port as the agent is asked for it: lower case, IPv6 without brackets, the port a number. */
    private static String normalized(String destination) {
        int colon = destination.lastIndexOf(':');
        String host = destination.substring(0, colon).replace("[", "").replace("]", "").toLowerCase(Locale.ROOT);
        return host + ":" + Integer.parseInt(destination.substring(colon + 1));
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }
}
