package io.secureconnect.policy.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.Tunnel;
import io.secureconnect.proto.tunnelregistry.v1.TunnelStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The reuse of tunnel-registry's answers for routing: how long, which answers, and what always asks again. */
class TunnelRoutesTest {

    private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(1);

    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    private final InstantSource clock = now::get;
    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicReference<List<Tunnel>> answer = new AtomicReference<>(List.of(connected(30001)));

    private final TunnelRoutes routes = new TunnelRoutes((account, port) -> {
        asked.incrementAndGet();
        return answer.get();
    }, TTL, clock);

    @Test
    void reusesAServingAnswerWithinTheTtlAndReportsADisconnectOnceItHasPassed() {
        assertTrue(serving(routes.tunnels("acct", Optional.empty())));
        answer.set(List.of(disconnected(30001)));

        now.set(START.plus(TTL).minusMillis(1));
        assertTrue(serving(routes.tunnels("acct", Optional.empty())), "still within the TTL");
        assertEquals(1, asked.get());

        now.set(START.plus(TTL));
        assertFalse(serving(routes.tunnels("acct", Optional.empty())), "the TTL has passed: the registry is asked");
        assertEquals(2, asked.get());
    }

    @Test
    void asksEveryTimeWhileNoTunnelServes() {
        answer.set(List.of(disconnected(30001)));
        for (int i = 0; i < 3; i++) {
            assertFalse(serving(routes.tunnels("acct", Optional.empty())));
        }
        assertEquals(3, asked.get());

        answer.set(List.of(connected(30001)));
        assertTrue(serving(routes.tunnels("acct", Optional.empty())), "a tunnel that just connected is seen at once");
    }

    @Test
    void keepsTheAnswersOfAccountsAndChosenPortsApart() {
        routes.tunnels("acct", Optional.empty());
        routes.tunnels("acct", Optional.of(30001));
        routes.tunnels("other", Optional.empty());
        assertEquals(3, asked.get());
        routes.tunnels("acct", Optional.of(30001));
        assertEquals(3, asked.get());
    }

    @Test
    void asksAgainWhenTheChosenPortDoesNotServeEvenIfAnotherDoes() {
        answer.set(List.of(connected(30001), disconnected(30002)));
        assertFalse(serving(routes.tunnels("acct", Optional.of(30002)), Optional.of(30002)));
        assertFalse(serving(routes.tunnels("acct", Optional.of(30002)), Optional.of(30002)));
        assertEquals(2, asked.get());
    }

    @Test
    void neverRemembersAFailedCall() {
        TunnelDirectory.RegistryUnavailable down = new TunnelDirectory.RegistryUnavailable("tunnel-registry did not answer");
        AtomicInteger calls = new AtomicInteger();
        TunnelRoutes flaky = new TunnelRoutes((account, port) -> {
            if (calls.incrementAndGet() == 1) {
                throw down;
            }
            return List.of(connected(30001));
        }, TTL, clock);

        assertSame(down, assertThrows(TunnelDirectory.RegistryUnavailable.class,
                () -> flaky.tunnels("acct", Optional.empty())));
        assertTrue(serving(flaky.tunnels("acct", Optional.empty())));
        assertEquals(2, calls.get());
    }

    @Test
    void asksEveryTimeWhenTheTtlIsZero() {
        TunnelRoutes off = new TunnelRoutes((account, port) -> {
            asked.incrementAndGet();
            return answer.get();
        }, Duration.ZERO, clock);
        off.tunnels("acct", Optional.empty());
        off.tunnels("acct", Optional.empty());
        assertEquals(2, asked.get());
    }

    @Test
    void concurrentMissesOfOneAccountShareOneCall() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        TunnelRoutes slow = new TunnelRoutes((account, port) -> {
            calls.incrementAndGet();
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(connected(30001));
        }, TTL, clock);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Tunnel>>> answers = new ArrayList<>();
            answers.add(pool.submit(() -> slow.tunnels("acct", Optional.empty())));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 7; i++) {
                answers.add(pool.submit(() -> slow.tunnels("acct", Optional.empty())));
            }
            Thread.sleep(100); // let the others arrive while the first call is outstanding
            release.countDown();
            for (Future<List<Tunnel>> each : answers) {
                assertTrue(serving(each.get(10, TimeUnit.SECONDS)));
            }
            assertEquals(1, calls.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean serving(List<Tunnel> tunnels) {
        return serving(tunnels, Optional.empty());
    }

    private static boolean serving(List<Tunnel> tunnels, Optional<Integer> port) {
        return TunnelChoice.serving(tunnels, port).isPresent();
    }

    private static Tunnel connected(int port) {
        return Tunnel.newBuilder().setAccountId("acct").setPort(port).setStatus(TunnelStatus.TUNNEL_STATUS_CONNECTED)
                .setGateway(Gateway.newBuilder().setGatewayId("gw").setProxyHost("gw.example.net"))
                .setConnectedSince(Timestamp.newBuilder().setSeconds(START.getEpochSecond())).build();
    }

    private static Tunnel disconnected(int port) {
        return connected(port).toBuilder().setStatus(TunnelStatus.TUNNEL_STATUS_DISCONNECTED)
                .setDisconnectedSince(Timestamp.newBuilder().setSeconds(START.getEpochSecond() + 1)).build();
    }
}
