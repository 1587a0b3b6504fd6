package io.secureconnect.e2e.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.e2e.fixture.CloudCalls;
import io.secureconnect.e2e.fixture.CloudSide;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Namespace;
import io.secureconnect.e2e.fixture.PrivateSide;
import io.secureconnect.e2e.fixture.Runner;
import io.secureconnect.e2e.fixture.Shell;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The port range is one setting, tunnel-registry's {@code secureconnect.registry.ports.first/last}: moved away from
 * the default 30000-30099 (to ten ports from 31000 up), the gateway learns it from the registry, a tunnel on a port of
 * the new pool carries a build, and an agent or a connector naming 30000 (a port of the old default) is told the new
 * pool. Only the gateway's listeners ({@code proxy-ports}) are set to match, as a deployer opens the ports. Real
 * processes; the networks are namespaces this test creates and removes (run as root).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortRangeEndToEndIT {

    private static final String ACCOUNT = "default";
    private static final String GATEWAY_HOST = "gateway.e2e.test";
    private static final Duration AGENT_CONNECT = Duration.ofSeconds(30);

    private final Random random = new Random();
    // A pool of ten ports nowhere near the default, random so that concurrent runs do not share listeners.
    private final int first = 31000 + 10 * random.nextInt(90);
    private final int last = first + 9;
    private final int tunnelPort = first + 5;
    private final String pool = first + "-" + last;
    private Path work;
    private CloudSide cloud;
    private CloudCalls calls;
    private PrivateSide privateSide;
    private Namespace runnerNamespace;
    private Runner runner;
    private ManagedProcess agent;

    @BeforeAll
    void startTheSystemWithAMovedPool() throws Exception {
        String id = Integer.toHexString(random.nextInt(0x10000));
        int block = 128 + random.nextInt(16) * 8;
        work = Files.createDirectories(Path.of("target", "e2e-ports-" + id)).toAbsolutePath();
        Path repo = Path.of("..").toAbsolutePath().normalize();
        cloud = CloudSide.start(repo, work, GATEWAY_HOST, IntStream.rangeClosed(first, last).boxed().toList(), null,
                Map.of("SECURECONNECT_REGISTRY_PORTS_FIRST", String.valueOf(first),
                        "SECURECONNECT_REGISTRY_PORTS_LAST", String.valueOf(last)));
        calls = new CloudCalls(cloud, ACCOUNT);
        privateSide = PrivateSide.start(Namespace.create("spp" + id, "203.0.113." + (block + 1),
                "203.0.113." + (block + 2)), work, repo, GATEWAY_HOST);
        runnerNamespace = Namespace.create("spr" + id, "203.0.113." + (block + 5), "203.0.113." + (block + 6));
        runnerNamespace.hosts(Map.of(GATEWAY_HOST, runnerNamespace.rootAddress()));
        runner = new Runner(runnerNamespace);
        agent = startAgent("agent-in-pool", tunnelPort, calls.agentKey("ports_agent"))
                .awaitLog("connected: port " + tunnelPort, AGENT_CONNECT);
    }

    @AfterAll
    void stopTheSystem() {
        for (AutoCloseable part : new AutoCloseable[] {agent, runnerNamespace, privateSide, cloud}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                System.err.println("cleanup: " + e);
            }
        }
    }

    @Test
    void aBuildReachesThePrivateServerThroughATunnelOnAPortOfTheMovedPool() throws Exception {
        Files.writeString(privateSide.files.resolve("ports.txt"), "served through port " + tunnelPort);
        calls.connector("pool_git", "Git", "https://" + PrivateSide.PRIVATE_HOST + "/git/app.git", tunnelPort);

        ResolveBuildNetworkResponse network = calls.resolve("build-pool", "pool_git");

        assertEquals(tunnelPort, network.getTunnelPort());
        assertTrue(network.getHarnessHttpsProxy().endsWith("@" + GATEWAY_HOST + ":" + tunnelPort),
                "the proxy URL names the tunnel's port of the moved pool");
        Shell.Result fetched = runner.curl("-w", "\n%{http_code}", "-x", network.getHarnessHttpsProxy(),
                "--proxy-cacert", cloud.pki.resolve("ca.pem").toString(), "--cacert", privateSide.ca.toString(),
                "https://" + PrivateSide.PRIVATE_HOST + "/files/ports.txt");
        assertEquals(0, fetched.exitCode(), fetched.output());
        assertEquals("served through port " + tunnelPort + "\n200", fetched.output().trim());
    }

    @Test
    void theRegistryShowsTheMovedPoolAndTheGatewayListensOnAllOfIt() {
        JsonNode view = cloud.registry().ok("GET", "/api/v1/port-pool?accountIdentifier=" + ACCOUNT, null);
        assertEquals(first, view.get("first").asInt());
        assertEquals(last, view.get("last").asInt());
        String logs = cloud.logs();
        assertTrue(logs.contains("port pool from tunnel-registry: " + pool), "the gateway learnt the pool");
        assertFalse(logs.contains("does not cover tunnel-registry's port pool"), "its listeners cover the pool");
    }

    @Test
    void anAgentAskingForAPortOfTheOldDefaultGivesUpWithOneLineNamingThePool() {
        ManagedProcess refused = startAgent("agent-old-port", 30000, calls.agentKey("ports_old_agent"));
        try {
            assertEquals(1, refused.awaitExit(AGENT_CONNECT), "a refused port is final: " + refused.logText());
            assertTrue(refused.logText().contains("giving up: remote_port=30000: must be an integer from " + first
                    + " to " + last + " (tunnel-registry's port pool)"), refused.logText());
        } finally {
            refused.close();
        }
    }

    @Test
    void aConnectorOnAPortOfTheOldDefaultIsStoredButItsBuildIsToldThePool() {
        calls.connector("old_port_git", "Git", "https://" + PrivateSide.PRIVATE_HOST + "/git/app.git", 30000);

        ManagedChannel channel = calls.runnerChannel();
        try {
            StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
                    () -> calls.resolveOver(channel, "build-old-port", "old_port_git"));
            assertEquals(Status.Code.FAILED_PRECONDITION, failure.getStatus().getCode());
            assertEquals("PORT_OUT_OF_RANGE", GrpcFailure.reason(failure).orElseThrow());
            assertEquals(String.valueOf(first), GrpcFailure.fact(failure, "first").orElseThrow());
            assertEquals(String.valueOf(last), GrpcFailure.fact(failure, "last").orElseThrow());
            assertTrue(failure.getStatus().getDescription().contains("old_port_git names tunnel port 30000, outside"
                    + " tunnel-registry's port pool " + pool), failure.getStatus().getDescription());
        } finally {
            channel.shutdownNow();
        }
    }

    private ManagedProcess startAgent(String name, int port, String key) {
        return privateSide.startAgent(name, port, GATEWAY_HOST + ":" + cloud.agentEndpointPort, key,
                cloud.pki.resolve("ca.pem"), PrivateSide.PRIVATE_HOST);
    }
}
