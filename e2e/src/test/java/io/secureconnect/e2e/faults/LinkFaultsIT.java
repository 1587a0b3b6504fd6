package io.secureconnect.e2e.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.secureconnect.e2e.fixture.CloudSide;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Payloads;
import io.secureconnect.e2e.fixture.PrivateSide;
import io.secureconnect.e2e.fixture.Shell;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Faults of the links around the tunnel (issue 17): the agent's link to the gateway silently black-holed (no RST),
 * and a build client that stops reading in the middle of a download (backpressure). Each asserts what the build sees
 * and that nothing is lost; figures are printed, never asserted as speeds (waits are hang guards only). The
 * gateway runs with its shipped heartbeat interval (5 s: an agent silent for three is gone).
 */
class LinkFaultsIT extends FaultsBase {

    private static final int COUNTING_PORT = 7003;
    private static final Duration HANG_GUARD = Duration.ofSeconds(90);

    private final int holePort = firstPort;
    private final int pressurePort = firstPort + 1;

    @Test
    void aBlackHoledAgentLinkFreesThePortAndTheAgentComesBackByItself() {
        ManagedProcess agent = startAgent("agent-hole", holePort, calls.agentKey("faults_hole"), Map.of());
        ResolveBuildNetworkResponse build = build("hole", holePort);
        assertEquals("200", status(build), "the tunnel serves before its link goes");
        long epochBefore = tunnel(holePort).get("epoch").asLong();

        long cutting = System.nanoTime();
        long[] noticed = new long[3]; // when the gateway, tunnel-registry and the agent showed it, 0 until then
        String meanwhile;
        JsonNode freed;
        ManagedProcess early;
        try (BlackHole hole = BlackHole.on(privateSide.namespace)) {
            // Before the gateway can know: its dial goes to the silent agent, which cannot answer it.
            early = track(ManagedProcess.start("curl-early", runnerNamespace.exec(List.of("curl", "-sS", "--max-time",
                    "20", "-w", "\n%{http_code} %{time_total}", "-x", build.getHarnessHttpProxy(), "http://" + HOST
                            + ":443/")), Map.of(), work.resolve("logs")));
            gateway.await(() -> {
                long now = System.nanoTime();
                noticed[0] = noticed[0] == 0 && heartbeatTimeouts() > 0 ? now : noticed[0];
                noticed[1] = noticed[1] == 0 && !tunnel(holePort).get("status").asText().equals("CONNECTED")
                        ? now : noticed[1];
                noticed[2] = noticed[2] == 0 && agent.logText().contains("no answer from the gateway for")
                        ? now : noticed[2];
                return noticed[0] != 0 && noticed[1] != 0 && noticed[2] != 0;
            }, HANG_GUARD, "not all of the gateway (HEARTBEAT_TIMEOUT), tunnel-registry (port not CONNECTED) and "
                    + "the agent (no answer from the gateway) noticed the dead link");
            freed = tunnel(holePort);
            meanwhile = refusal(build);
            // The link stays dead until one of the agent's new attempts has failed in it too.
            agent.await(() -> agent.logText().contains("no Welcome from the gateway within"), HANG_GUARD,
                    "the agent's attempt to reconnect through the dead link did not end");
        }
        long restored = System.nanoTime();
        agent.await(() -> count(agent.logText(), "connected: port " + holePort) >= 2, Duration.ofSeconds(120),
                "the agent did not reconnect by itself once the link was back");
        long back = System.nanoTime();
        early.awaitExit(Duration.ofSeconds(30));
        String[] earlyAnswer = early.logText().trim().lines().reduce((first, second) -> second).orElse("").split(" ");

        assertEquals("DISCONNECTED", freed.get("status").asText(), "the lease released: " + freed);
        JsonNode pool = cloud.registry().ok("GET", "/api/v1/port-pool?accountIdentifier=" + ACCOUNT, null);
        assertTrue(meanwhile.endsWith("503") && meanwhile.contains("no agent is connected for port " + holePort),
                "a build meanwhile gets a 503 that says why, at once: " + meanwhile);
        // 504 DIAL_TIMEOUT, or 502/503 when the gateway ends the silent agent while the dial waits: an answer either
        // way, where curl's own guard (20 s) would give 000.
        assertTrue(List.of("502", "503", "504").contains(earlyAnswer[0]), "a request right after the cut is "
                + "answered, not left hanging: " + early.logText());
        JsonNode live = tunnel(holePort);
        assertEquals("CONNECTED", live.get("status").asText(), live.toString());
        assertEquals(CloudSide.GATEWAY_ID, live.get("gatewayId").asText(), live.toString());
        assertTrue(live.get("epoch").asLong() > epochBefore, "a new lease for the port: " + live);
        assertEquals(1, count(pool.get("usedPorts").toString(), String.valueOf(holePort)), pool.toString());
        Shell.Result payload = runner.bash("set -o pipefail; curl -sS --max-time 60 -x '" + build.getHarnessHttpProxy()
                + "' --cacert " + privateSide.ca + " https://" + HOST + "/payload/21/1048576 | sha256sum", 90);
        assertEquals(0, payload.exitCode(), payload.output());
        assertEquals(Payloads.sha256(Payloads.bytes(21, 1048576)), payload.output().split(" ")[0],
                "a request through the tunnel after its return, intact");
        String reconnect = agent.logText().lines().filter(line -> line.contains("connected: port " + holePort))
                .reduce((first, second) -> second).orElse("");
        System.out.printf("agent link black-holed: a request right after the cut got %s after %s s; gateway "
                + "HEARTBEAT_TIMEOUT after %d ms, port freed in tunnel-registry after %d ms; agent noticed the "
                + "silence after %d ms; link back after %d ms (%d reconnect attempt(s) failed in it), agent "
                + "reconnected %d ms after that (%s)%n", earlyAnswer[0], earlyAnswer[earlyAnswer.length - 1],
                millis(cutting, noticed[0]), millis(cutting, noticed[1]), millis(cutting, noticed[2]),
                millis(cutting, restored), count(agent.logText(), "no Welcome from the gateway within"),
                millis(restored, back), reconnect.substring(reconnect.indexOf("connected:")));
    }

    @Test
    void aBuildClientThatStopsReadingStallsTheServerAndLaterGetsEveryByte() throws IOException {
        ManagedProcess agent = startAgent("agent-pressure", pressurePort, calls.agentKey("faults_pressure"), Map.of());
        Path countFile = work.resolve("counting-server.count");
        ManagedProcess server = track(ManagedProcess.start("counting-server", privateSide.namespace.exec(List.of(
                "java", "-cp", System.getProperty("java.class.path"), CountingServer.class.getName(),
                PrivateSide.PRIVATE_ADDRESS, String.valueOf(COUNTING_PORT), countFile.toString())), Map.of(),
                work.resolve("logs")));
        server.awaitLog("counting server listening", Duration.ofSeconds(30));
        calls.connector("pressure_stream", "Git", "http://" + HOST + ":" + COUNTING_PORT + "/x.git", pressurePort);
        ResolveBuildNetworkResponse build = build("pressure", pressurePort, "pressure_stream");

        long size = 1024 * MB;
        long readFirst = 4 * MB;
        Path resume = work.resolve("pressure.resume");
        Files.deleteIfExists(resume);
        Memory before = memory(agent);
        // Reads 4 MiB, then nothing (the connection open) until the test says so, then the rest; prints its SHA-256.
        ManagedProcess client = track(ManagedProcess.start("pausing-client", runnerNamespace.exec(List.of("bash",
                "-c", "set -o pipefail; curl -sS --max-time 600 -x '" + build.getHarnessHttpsProxy()
                        + "' --proxy-cacert " + cloud.pki.resolve("ca.pem") + " http://" + HOST + ":" + COUNTING_PORT
                        + "/23/" + size + " | { head -c " + readFirst + "; for i in $(seq 1 1800); do [ -e " + resume
                        + " ] && break; sleep 0.1; done; cat; } | sha256sum")), Map.of(), work.resolve("logs")));

        server.awaitLog("streaming " + size, HANG_GUARD);
        long stalledAt = awaitStall(countFile, server);
        Memory stalled = memory(agent);
        sleep(Duration.ofSeconds(10)); // held: still nothing more may leave the server
        long heldAt = written(countFile);
        Memory held = memory(agent);
        Files.writeString(resume, "go");
        int exit = client.awaitExit(Duration.ofSeconds(600));
        String digest = client.logText().trim();

        assertTrue(heldAt < size, "the server stopped short of the payload: " + heldAt);
        assertEquals(stalledAt, heldAt, "nothing more left the server while the client did not read");
        long inFlight = stalledAt - readFirst;
        // Three TCP hops (server->agent, agent->gateway, gateway->client), each at most tcp_wmem's 4 MiB plus
        // tcp_rmem's 32 MiB here, the relays' 256 KiB watermarks and curl's and the pipe's buffers: under 128 MiB.
        assertTrue(inFlight < 128 * MB, "held between the server and the client: " + inFlight / MB + " MB");
        // Without backpressure the rest of the 1 GiB would pile up in the gateway or the agent, not 256 MB of it.
        assertTrue(held.gatewayRss() < before.gatewayRss() + 256 * MB, "gateway: " + before + " -> " + held);
        assertTrue(held.agentRss() < before.agentRss() + 256 * MB, "agent: " + before + " -> " + held);
        assertEquals(0, exit, "the client's pipeline: " + digest);
        assertEquals(Payloads.sha256(23, size), digest.split(" ")[0], "1 GiB after the pause, intact");
        assertTrue(server.logText().contains("streamed " + size + " bytes"), "the server's one response ended "
                + "whole: " + server.logText());
        System.out.printf("build client stopped reading after %d MiB of %d MiB: the server stalled at %.1f MiB "
                + "written (%.1f MiB held between server and client) and wrote nothing more in 10 s; memory before "
                + "/ stalled / 10 s later: %s / %s / %s; then the client read on and got all %d MiB intact%n",
                readFirst / MB, size / MB, stalledAt / (double) MB, inFlight / (double) MB, before, stalled, held,
                size / MB);
    }

    /** Waits until the server's count stands still for 3 s (its socket takes no more); returns where it stood. */
    private long awaitStall(Path countFile, ManagedProcess server) {
        long[] last = {-1, System.nanoTime()};
        server.await(() -> {
            long now = written(countFile);
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
                return false;
            }
            return now > 0 && millis(last[1], System.nanoTime()) >= 3000;
        }, HANG_GUARD, "the server's count never stood still: " + last[0]);
        return last[0];
    }

    private static long written(Path countFile) {
        try {
            return Files.exists(countFile) ? Long.parseLong(Files.readString(countFile).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /** Heap in use and resident memory of the gateway, resident memory of the agent. */
    record Memory(long gatewayHeap, long gatewayRss, long agentRss) {
        @Override
        public String toString() {
            return "gateway heap " + gatewayHeap / MB + " MB, RSS " + gatewayRss / MB + " MB, agent RSS "
                    + agentRss / MB + " MB";
        }
    }

    private Memory memory(ManagedProcess agent) {
        return new Memory(gatewayHeap(), rss(gateway.pid()), rss(agent.pid()));
    }

    /** A process's resident set (ip netns exec runs the agent's java in its own place, same pid). */
    private static long rss(long pid) {
        String status = Shell.ok("cat", "/proc/" + pid + "/status");
        String line = status.lines().filter(l -> l.startsWith("VmRSS:")).findFirst().orElseThrow();
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
    }

    /** A request the proxy refuses, as the build sees it: the body, then the status on the last line. */
    private String refusal(ResolveBuildNetworkResponse build) {
        return runner.curl("-w", "\n%{http_code}", "-x", build.getHarnessHttpProxy(), "http://" + HOST + ":443/")
                .output().trim();
    }

    private long heartbeatTimeouts() {
        return gateway.logText().lines().filter(line -> line.contains("HEARTBEAT_TIMEOUT")
                && line.contains("port=" + holePort + " ")).count();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
