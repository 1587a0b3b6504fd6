package io.secureconnect.gateway.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.netty.channel.embedded.EmbeddedChannel;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the hand-over of a stopping gateway is done: every agent hears HandOver; it waits while a tunnel has not
 * moved or still carries a connection, and lingers after the last move; the timeout bounds it all.
 */
class TunnelHandOverTest {

    private static final Duration LONG = Duration.ofSeconds(60);
    /** tunnel-registry answers that nothing moved (the moves come from the test, as lease events would). */
    private static final java.util.function.Consumer<List<Tunnel>> NO_RECHECK = tunnels -> { };
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        clock.shutdownNow();
    }

    @Test
    void everyAgentHearsHandOverAndItEndsALingerAfterTheLastMove() {
        Tunnel one = tunnel(30001, new Agent(), new Agent());
        Tunnel two = tunnel(30002, new Agent());
        clock.schedule(one::markMoved, 200, TimeUnit.MILLISECONDS);
        clock.schedule(two::markMoved, 400, TimeUnit.MILLISECONDS);

        long took = timed(() -> new TunnelHandOver(List.of(one, two), NO_RECHECK).run(LONG));

        for (Tunnel tunnel : List.of(one, two)) {
            for (AgentLink agent : tunnel.agents()) {
                assertEquals(List.of(LONG), ((Agent) agent).handOvers, "HandOver with the timeout as deadline");
            }
        }
        assertTrue(took >= 400 + TunnelHandOver.LINGER.toMillis(), "lingers after the last move: " + took + " ms");
        assertTrue(took < LONG.toMillis(), "done once everything moved, not at the timeout: " + took + " ms");
    }

    @Test
    void aTunnelThatNeverMovesHoldsItUntilTheTimeout() {
        Tunnel moved = tunnel(30001, new Agent());
        moved.markMoved();
        Tunnel stuck = tunnel(30002, new Agent());

        long took = timed(() -> new TunnelHandOver(List.of(moved, stuck), NO_RECHECK).run(Duration.ofSeconds(3)));

        assertTrue(took >= 3_000, "an agent that does not move (an old agent) waits for the timeout: " + took);
    }

    @Test
    void aMovedTunnelStillCarryingAConnectionHoldsItUntilTheConnectionEnds() {
        Tunnel tunnel = tunnel(30001, new Agent());
        EmbeddedChannel build = new EmbeddedChannel();
        tunnel.track(build);
        tunnel.markMoved();
        clock.schedule(() -> build.close(), 1_000, TimeUnit.MILLISECONDS);

        long took = timed(() -> new TunnelHandOver(List.of(tunnel), NO_RECHECK).run(LONG));

        assertTrue(took >= 1_000 + TunnelHandOver.LINGER.toMillis(), "waited for the build's connection: " + took);
        assertTrue(took < LONG.toMillis(), took + " ms");
    }

    @Test
    void aMoveNoLeaseEventToldIsFoundByAskingTunnelRegistryAgain() {
        Tunnel tunnel = tunnel(30001, new Agent());
        List<List<Tunnel>> asked = new CopyOnWriteArrayList<>();

        long took = timed(() -> new TunnelHandOver(List.of(tunnel), unmoved -> {
            asked.add(unmoved);
            unmoved.forEach(Tunnel::markMoved); // the renewal was refused: the lease moved on
        }).run(LONG));

        assertEquals(List.of(List.of(tunnel)), asked, "asked once, about the tunnel not known to have moved");
        assertTrue(tunnel.moved());
        assertTrue(took < LONG.toMillis(), took + " ms");
    }

    @Test
    void closedTunnelsAreNotWaitedFor() {
        Tunnel gone = tunnel(30001, new Agent());
        gone.markClosed();

        long took = timed(() -> new TunnelHandOver(List.of(gone), NO_RECHECK).run(Duration.ofSeconds(30)));

        assertTrue(took < 30_000, took + " ms");
    }

    private static Tunnel tunnel(int port, Agent... agents) {
        Tunnel tunnel = new Tunnel(new TunnelKey("acct", port), "key-1");
        tunnel.agents().addAll(List.of(agents));
        return tunnel;
    }

    private static long timed(Runnable run) {
        long start = System.nanoTime();
        run.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static final class Agent implements AgentLink {
        final List<Duration> handOvers = new CopyOnWriteArrayList<>();

        @Override
        public String agentId() {
            return "agent";
        }

        @Override
        public String tokenId() {
            return "token";
        }

        @Override
        public boolean acceptsDials() {
            return true;
        }

        @Override
        public boolean sendDial(DialRequest request) {
            return true;
        }

        @Override
        public void handOver(Duration deadline) {
            handOvers.add(deadline);
        }

        @Override
        public void goodbye(GoodbyeReason reason, boolean retryable, Status.Code code, String grpcReason,
                String message) {
        }
    }
}
