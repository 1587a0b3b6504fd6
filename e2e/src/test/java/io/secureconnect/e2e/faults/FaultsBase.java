package io.secureconnect.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.secureconnect.e2e.fixture.CloudCalls;
import io.secureconnect.e2e.fixture.CloudGateway;
import io.secureconnect.e2e.fixture.CloudSide;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Namespace;
import io.secureconnect.e2e.fixture.Payloads;
import io.secureconnect.e2e.fixture.PrivateSide;
import io.secureconnect.e2e.fixture.Runner;
import io.secureconnect.e2e.fixture.Shell;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The system the fault tests break, started once per test class with authentication on: the control plane, one
 * gateway (on ports it can restart on), the private network with its HTTPS server, and the build runner, each in
 * namespaces of their own. Each fault has its own tunnel (port, key, agents); what a test starts goes with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FaultsBase {

    static final String ACCOUNT = "default";
    static final String GATEWAY_HOST = "gateway.e2e.test";
    static final String HOST = PrivateSide.PRIVATE_HOST;
    static final Duration AGENT_CONNECT = Duration.ofSeconds(30);
    static final long MB = 1024 * 1024;

    final Random random = new Random();
    /** The first of the four tunnel ports the class's gateway serves: firstPort to firstPort + 3. */
    final int firstPort = 30000 + random.nextInt(96);
    Path work;
    CloudSide cloud;
    CloudGateway gatewaySpec;
    ManagedProcess gateway;
    CloudCalls calls;
    PrivateSide privateSide;
    Namespace runnerNamespace;
    Runner runner;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    void startTheSystem() throws Exception {
        String id = Integer.toHexString(random.nextInt(0x10000));
        int block = random.nextInt(32) * 8;
        work = Files.createDirectories(Path.of("target", "faults-" + id)).toAbsolutePath();
        Path repo = Path.of("..").toAbsolutePath().normalize();
        // The gateway on ports below the ephemeral range, so that it can start again on the same ones after its kill.
        cloud = CloudSide.controlPlane(repo, work, List.of(GATEWAY_HOST), 1);
        gatewaySpec = CloudGateway.on(CloudSide.GATEWAY_ID, GATEWAY_HOST, CloudGateway.EVERY_ADDRESS,
                List.of(firstPort, firstPort + 1, firstPort + 2, firstPort + 3));
        gateway = cloud.startGateway(gatewaySpec);
        calls = new CloudCalls(cloud, ACCOUNT);
        privateSide = PrivateSide.start(Namespace.create("sfp" + id, "203.0.113." + (block + 1),
                "203.0.113." + (block + 2)), work, repo, GATEWAY_HOST);
        runnerNamespace = Namespace.create("sfr" + id, "203.0.113." + (block + 5), "203.0.113." + (block + 6));
        runnerNamespace.hosts(Map.of(GATEWAY_HOST, runnerNamespace.rootAddress()));
        runner = new Runner(runnerNamespace);
    }

    /**
     * Each fault's agents, servers and clients go with it, whatever its outcome; a gateway a failed test left dead
     * starts again, so that one failure does not become four.
     */
    @AfterEach
    void closeWhatTheTestStarted() {
        closeTracked();
        if (gateway != null && !gateway.isAlive()) {
            gateway = cloud.startGateway(gatewaySpec);
        }
    }

    private void closeTracked() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                // the rest must still go
            }
        }
        toClose.clear();
    }

    @AfterAll
    void stopTheSystem() {
        closeTracked();
        if (runnerNamespace != null) {
            runnerNamespace.close(); // kills every curl still running in it
        }
        if (privateSide != null) {
            privateSide.close(); // the agents and servers in it too
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    ManagedProcess startAgent(String name, int port, String key, Map<String, String> more) {
        return launchAgent(name, port, key, more).awaitLog("connected: port " + port, AGENT_CONNECT);
    }

    /** An agent in the private network, as a customer runs it, not yet connected. */
    ManagedProcess launchAgent(String name, int port, String key, Map<String, String> more) {
        return track(privateSide.startAgent(name, port, GATEWAY_HOST + ":" + gatewaySpec.agentPort(), key,
                cloud.pki.resolve("ca.pem"), HOST, more));
    }

    /** A build of the account whose connector reaches the private HTTPS server through tunnel {@code port}. */
    ResolveBuildNetworkResponse build(String name, int port, String... moreConnectors) {
        String connector = name + "_repo";
        calls.connector(connector, "Git", "https://" + HOST + "/git/app.git", port);
        List<String> connectors = new ArrayList<>(List.of(connector));
        connectors.addAll(List.of(moreConnectors));
        return calls.resolve("build-" + name, connectors.toArray(String[]::new));
    }

    Download download(String name, ResolveBuildNetworkResponse build, String path, Duration guard, String... more) {
        List<String> args = new ArrayList<>(List.of("-x", build.getHarnessHttpsProxy(), "--proxy-cacert",
                cloud.pki.resolve("ca.pem").toString(), "--cacert", privateSide.ca.toString()));
        args.addAll(List.of(more));
        args.add("https://" + HOST + path);
        return track(Download.start(runnerNamespace, "curl-" + name, work.resolve(name + ".download"), guard, args,
                work.resolve("logs")));
    }

    /** The status a build's request to the private HTTPS server sees (the proxy's, when it refused the CONNECT). */
    String status(ResolveBuildNetworkResponse build) {
        return runner.status(build.getHarnessHttpProxy(), cloud.pki.resolve("ca.pem"), privateSide.ca,
                "https://" + HOST + "/");
    }

    /** The account's tunnels, as tunnel-registry's REST API shows them to its admin (one per port). */
    List<JsonNode> tunnels() {
        List<JsonNode> all = new ArrayList<>();
        cloud.registry().ok("GET", "/api/v1/tunnels?accountIdentifier=" + ACCOUNT, null).forEach(all::add);
        return all;
    }

    JsonNode tunnel(int port) {
        return cloud.registry().ok("GET", "/api/v1/tunnels/" + port + "?accountIdentifier=" + ACCOUNT, null);
    }

    /** The gateway's heap in use, from its Prometheus metrics. */
    long gatewayHeap() {
        String metrics = Shell.ok("curl", "-sS", "--max-time", "10", "http://127.0.0.1:" + gatewaySpec.httpPort()
                + "/q/metrics");
        return (long) metrics.lines().filter(line -> line.startsWith("jvm_memory_used_bytes{")
                        && line.contains("area=\"heap\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    <T extends AutoCloseable> T track(T closeable) {
        toClose.add(closeable);
        return closeable;
    }

    static String sha256(Path file) {
        try {
            return Payloads.sha256(Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            return "missing: " + e.getMessage();
        }
    }

    static int count(String text, String part) {
        int found = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            found++;
        }
        return found;
    }

    static long millis(long fromNanos, long toNanos) {
        return TimeUnit.NANOSECONDS.toMillis(toNanos - fromNanos);
    }
}
