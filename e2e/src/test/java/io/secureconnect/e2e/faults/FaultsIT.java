package io.secureconnect.e2e.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.secureconnect.e2e.fixture.CloudSide;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Payloads;
import io.secureconnect.e2e.fixture.PrivateSide;
import io.secureconnect.e2e.fixture.Shell;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Faults of the data plane, each broken on purpose with authentication on, asserting what the build sees and that
 * nothing is lost (issue 17, "Faults"): the gateway killed mid-transfer, an agent draining, one of two agents killed,
 * private servers that hang or trickle. Every fault has its own tunnel (port, key, agents); the gateway is the one
 * of the run, started again by the test that kills it. Figures are printed, never asserted as speeds.
 */
class FaultsIT extends FaultsBase {

    private static final int SILENT_PORT = 7001;
    private static final int TRICKLE_PORT = 7002;

    private final int killPort = firstPort;
    private final int drainPort = firstPort + 1;
    private final int pairPort = firstPort + 2;
    private final int slowPort = firstPort + 3;

    @Test
    void aGatewayKilledMidTransferEndsTheDownloadAndTheAgentGetsItsPortBack() {
        ManagedProcess agent = startAgent("agent-kill", killPort, calls.agentKey("faults_kill"), Map.of());
        ResolveBuildNetworkResponse build = build("kill", killPort);
        long epochBefore = tunnel(killPort).get("epoch").asLong();

        long size = 200 * MB;
        Download cut = download("cut", build, "/stream/17/" + size, Duration.ofSeconds(60), "--limit-rate", "40M");
        cut.awaitBytes(16 * MB, Duration.ofSeconds(30));
        long killing = System.nanoTime();
        gateway.kill();
        Download.Result ended = cut.await(Duration.ofSeconds(70));
        long curlSawIt = System.nanoTime();
        assertNotEquals(0, ended.exitCode(), "the cut download must fail: " + ended);
        assertNotEquals(Download.GUARD_FIRED, ended.exitCode(), "curl's hang guard ended it, not the closed "
                + "connection: " + ended);
        assertTrue(ended.bytes() < size, "fewer bytes than sent: " + ended.bytes());

        long restarting = System.nanoTime();
        gateway = cloud.startGateway(gatewaySpec); // same id, same ports
        long gatewayReady = System.nanoTime();
        agent.await(() -> count(agent.logText(), "connected: port " + killPort) >= 2, Duration.ofSeconds(60),
                "the agent did not reconnect to the restarted gateway");
        long agentBack = System.nanoTime();
        assertTrue(agent.logText().contains("connected: port " + killPort + " via gateway " + CloudSide.GATEWAY_ID
                + " (tunnel " + tunnel(killPort).get("tunnelId").asText() + ", resumed=true)"), agent.logText());

        Shell.Result whole = runner.bash("set -o pipefail; curl -sS --max-time 120 -x '" + build.getHarnessHttpsProxy()
                + "' --proxy-cacert " + cloud.pki.resolve("ca.pem") + " --cacert " + privateSide.ca + " https://" + HOST
                + "/stream/18/" + size + " | sha256sum", 150);
        assertEquals(0, whole.exitCode(), whole.output());
        assertEquals(Payloads.sha256(18, size), whole.output().split(" ")[0], "200 MB after the restart, intact");

        List<JsonNode> entries = tunnels().stream().filter(t -> t.get("port").asInt() == killPort).toList();
        assertEquals(1, entries.size(), "one tunnel for the port: " + entries);
        JsonNode live = entries.get(0);
        assertEquals("CONNECTED", live.get("status").asText(), live.toString());
        assertEquals(CloudSide.GATEWAY_ID, live.get("gatewayId").asText(), live.toString());
        assertTrue(live.get("epoch").asLong() > epochBefore, "a new lease, fenced past the killed one: " + live);
        JsonNode pool = cloud.registry().ok("GET", "/api/v1/port-pool?accountIdentifier=" + ACCOUNT, null);
        assertEquals(1, count(pool.get("usedPorts").toString(), String.valueOf(killPort)), pool.toString());
        System.out.printf("gateway kill -9: curl ended after %d ms (exit %d, %d of %d MB); gateway ready again "
                + "%d ms after its restart; agent back (resumed) %d ms after that, %d ms after the kill%n",
                millis(killing, curlSawIt), ended.exitCode(), ended.bytes() / MB, size / MB,
                millis(restarting, gatewayReady), millis(gatewayReady, agentBack), millis(killing, agentBack));
    }

    @Test
    void aDrainingAgentFinishesItsOpenTransferAndNewConnectionsGet503() {
        ManagedProcess agent = startAgent("agent-drain", drainPort, calls.agentKey("faults_drain"),
                Map.of("DRAIN_TIMEOUT", "60"));
        ResolveBuildNetworkResponse build = build("drain", drainPort);
        long size = 64 * MB;
        Download open = download("drained", build, "/stream/19/" + size, Duration.ofSeconds(90), "--limit-rate",
                "16M");
        open.awaitBytes(4 * MB, Duration.ofSeconds(30));

        long stopping = System.nanoTime();
        agent.terminate();
        agent.awaitLog("draining:", Duration.ofSeconds(10));
        // From here on the agent refuses dials as draining, and the gateway answers so: before it has read the
        // agent's Draining message (the agent's refusal) as after (it asks the agent no more).
        List<String> meanwhile = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            meanwhile.add(status(build));
        }
        String refusal = runner.curl("-w", "\n%{http_code}", "-x", build.getHarnessHttpProxy(), "http://" + HOST
                + ":443/").output().trim();
        boolean stillOpen = agent.isAlive() && open.bytes() < size;

        Download.Result done = open.await(Duration.ofSeconds(100));
        int agentExit = agent.awaitExit(Duration.ofSeconds(30));
        long stopped = System.nanoTime();
        assertEquals(0, done.exitCode(), done.toString());
        assertEquals(Payloads.sha256(19, size), Shell.ok("sha256sum", open.file().toString()).split(" ")[0],
                "the transfer open at SIGTERM completed intact");
        assertTrue(stillOpen, "the transfer was still under way while new connections were refused");
        assertEquals(List.of("503", "503", "503"), meanwhile, "new connections while the only agent drains");
        assertTrue(refusal.endsWith("503") && refusal.contains("draining"), "a refusal that says why: " + refusal);
        assertTrue(agent.logText().contains("drained: every connection finished"), agent.logText());
        assertTrue(agentExit == 0 || agentExit == 143, "the agent ended by its SIGTERM (the JVM's 143), not a crash: "
                + agentExit);
        System.out.printf("agent drain: SIGTERM -> open transfer done and agent exited after %d ms; refusal "
                + "meanwhile: %s%n", millis(stopping, stopped), refusal.replace('\n', ' '));
    }

    @Test
    void oneOfTwoAgentsKilledLeavesNewConnectionsWorking() {
        String key = calls.agentKey("faults_pair");
        ManagedProcess doomed = launchAgent("agent-pair-1", pairPort, key, Map.of());
        ManagedProcess survivor = launchAgent("agent-pair-2", pairPort, key, Map.of());
        doomed.awaitLog("connected: port " + pairPort, AGENT_CONNECT);
        survivor.awaitLog("connected: port " + pairPort, AGENT_CONNECT);
        ResolveBuildNetworkResponse build = build("pair", pairPort);
        assertEquals(List.of(), failures(requests(build, 10, "")), "both agents serve before the kill");

        // The first request leaves right behind the signal, before the gateway can have noticed the death.
        List<String> codes = requests(build, 50, "kill -9 " + doomed.pid() + "; ");
        doomed.awaitExit(Duration.ofSeconds(10));
        assertEquals(50, codes.size(), "every request answered: " + codes);
        assertEquals(List.of(), failures(codes), "new connections after one agent's kill -9: " + codes);
        assertEquals(List.of(), failures(requests(build, 10, "")), "the survivor serves on");
        assertTrue(survivor.isAlive());
        long moved = gateway.logText().lines().filter(line -> line.contains("dial moved to another agent")
                && line.contains("port=" + pairPort + " ")).count();
        System.out.printf("one of two agents killed: %d of 50 requests right after the kill answered 200; %d dial(s) "
                + "sent to the killed agent moved to the survivor%n", codes.stream().filter("200"::equals).count(),
                moved);
    }

    @Test
    void silentAndTricklingServersDoNotHoldUpTheTunnelsOtherConnections() {
        startAgent("agent-slow", slowPort, calls.agentKey("faults_slow"), Map.of());
        ManagedProcess servers = track(ManagedProcess.start("misbehaving-servers", privateSide.namespace.exec(
                List.of("java", "-cp", System.getProperty("java.class.path"), MisbehavingServers.class.getName(),
                        PrivateSide.PRIVATE_ADDRESS, String.valueOf(SILENT_PORT), String.valueOf(TRICKLE_PORT))),
                Map.of(), work.resolve("logs")));
        servers.awaitLog("misbehaving servers listening", Duration.ofSeconds(30));
        calls.connector("slow_silent", "Git", "http://" + HOST + ":" + SILENT_PORT + "/x.git", slowPort);
        calls.connector("slow_trickle", "Git", "http://" + HOST + ":" + TRICKLE_PORT + "/x.git", slowPort);
        ResolveBuildNetworkResponse build = build("slow", slowPort, "slow_silent", "slow_trickle");
        long heapBefore = gatewayHeap();

        String proxy = build.getHarnessHttpProxy();
        ManagedProcess hanging = track(ManagedProcess.start("hanging-clients", runnerNamespace.exec(List.of("bash",
                "-c", "for i in $(seq 1 20); do curl -sS -p --max-time 170 -o /dev/null -x '" + proxy + "' http://"
                        + HOST + ":" + SILENT_PORT + "/ & done; for i in $(seq 1 5); do curl -sS -p --max-time 170 "
                        + "-o /dev/null -x '" + proxy + "' http://" + HOST + ":" + TRICKLE_PORT + "/ & done; wait")),
                Map.of(), work.resolve("logs")));
        servers.awaitLog("silent: accepted 20", Duration.ofSeconds(30));
        servers.awaitLog("trickle: accepted 5", Duration.ofSeconds(30));

        Path dir = work.resolve("beside-slow");
        Shell.ok("mkdir", "-p", dir.toString());
        Shell.Result normal = runner.bash("for i in $(seq 1 50); do curl -sS --max-time 20 -o " + dir + "/$i -w "
                + "'%{http_code}\\n' -x '" + proxy + "' --cacert " + privateSide.ca + " https://" + HOST
                + "/payload/$i/65536; done", 120);
        long heapAfter = gatewayHeap();
        List<String> codes = normal.output().lines().filter(line -> line.matches("\\d{3}")).toList();
        List<Integer> wrong = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            if (!Payloads.sha256(Payloads.bytes(i, 65536)).equals(sha256(dir.resolve(String.valueOf(i))))) {
                wrong.add(i);
            }
        }
        assertTrue(hanging.isAlive(), "the silent and trickling connections were still open throughout");
        assertEquals(50, codes.stream().filter("200"::equals).count(), normal.output());
        assertEquals(List.of(), wrong, "normal requests whose payload arrived wrong");
        assertTrue(heapAfter < heapBefore + 256 * MB, "gateway heap " + heapBefore / MB + " MB -> " + heapAfter / MB
                + " MB");
        System.out.printf("20 silent + 5 trickling connections open: 50 of 50 other requests of the tunnel answered "
                + "200 intact; gateway heap %d MB before, %d MB after%n", heapBefore / MB, heapAfter / MB);
    }

    /**
     * {@code count} sequential requests through the build's proxy, in one script run in the runner after
     * {@code before}; the status each saw (the proxy's refusal of CONNECT when there was one).
     */
    private List<String> requests(ResolveBuildNetworkResponse build, int count, String before) {
        Shell.Result result = runner.bash(before + "for i in $(seq 1 " + count + "); do curl -sS --max-time 15 -o "
                + "/dev/null -w '%{http_connect} %{http_code}\\n' -x '" + build.getHarnessHttpProxy() + "' --cacert "
                + privateSide.ca + " https://" + HOST + "/; done", 60 + 15L * count);
        List<String> codes = new ArrayList<>();
        for (String line : result.output().lines().toList()) {
            if (line.matches("\\d{3} \\d{3}")) {
                String[] pair = line.split(" ");
                codes.add(pair[1].equals("000") ? pair[0] : pair[1]);
            } else if (!line.isBlank()) {
                codes.add("error: " + line);
            }
        }
        return codes;
    }

    private static List<String> failures(List<String> codes) {
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < codes.size(); i++) {
            if (!codes.get(i).equals("200")) {
                failed.add("#" + (i + 1) + " " + codes.get(i));
            }
        }
        return failed;
    }
}
