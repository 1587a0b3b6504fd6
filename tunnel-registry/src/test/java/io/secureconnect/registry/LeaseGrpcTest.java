package io.secureconnect.registry;

import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.expire;
import static io.secureconnect.registry.Fixtures.fails;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.number;
import static io.secureconnect.registry.Fixtures.registry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.FindTunnelsRequest;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.TrafficCounters;
import io.secureconnect.proto.tunnelregistry.v1.Tunnel;
import io.secureconnect.proto.tunnelregistry.v1.TunnelStatus;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Leases over the real gRPC listener against the real database. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class LeaseGrpcTest {

    @Inject
    DataSource db;

    @Test
    void grantsTheRequestedPortWithAnEpochAndAThirtySecondExpiry() {
        String account = account();
        String gw = gateway();
        AcquireLeaseResponse response = acquire(account, 30001, "key1", gw);
        Lease lease = response.getLease();
        assertEquals(account, lease.getAccountId());
        assertEquals(30001, lease.getPort());
        assertEquals(gw, lease.getGatewayId());
        assertEquals("key1", lease.getApiKeyId());
        assertTrue(lease.getEpoch() > 0);
        assertFalse(response.getResumed());
        long ttl = lease.getExpiresAt().getSeconds() - lease.getAcquiredAt().getSeconds();
        assertTrue(ttl >= 29 && ttl <= 31, "TTL " + ttl);
        assertEquals(1, number(db, "SELECT count(*) FROM lease WHERE account_id = ? AND state = 'LIVE'", account));
        assertEquals(1, number(db, "SELECT count(*) FROM lease_event WHERE account_id = ? AND type = 'ACQUIRED'"
                + " AND epoch = ?", account, lease.getEpoch()));
    }

    @Test
    void givesTheLowestFreePortWhenAskedForPortZero() {
        String account = account();
        String gw = gateway();
        acquire(account, 30000, "key1", gw);
        acquire(account, 30002, "key2", gw);
        assertEquals(30001, acquire(account, 0, "key3", gw).getLease().getPort());
        assertEquals(30003, acquire(account, 0, "key4", gw).getLease().getPort());
    }

    @Test
    void givesEachAgentOfOneKeyItsOwnPortWhenBothAskForAny() {
        String account = account();
        String gw = gateway();
        AcquireLeaseRequest.Builder request = AcquireLeaseRequest.newBuilder().setAccountId(account).setPort(0)
                .setApiKeyId("shared-key").setGatewayId(gw);
        Lease first = registry().acquireLease(Receipts.receipted(request.setAgentId("dc-east"))).getLease();
        Lease second = registry().acquireLease(Receipts.receipted(request.setAgentId("dc-west"))).getLease();
        assertNotEquals(first.getPort(), second.getPort());
        AcquireLeaseResponse again = registry().acquireLease(Receipts.receipted(request.setAgentId("dc-east")));
        assertEquals(first.getPort(), again.getLease().getPort(), "a reconnecting agent gets its port back");
        assertTrue(again.getResumed());
    }

    @Test
    void refusesAnotherKeyOfTheSameAccountNamingTheHolderAndExpiry() {
        String account = account();
        String gw = gateway();
        Lease held = acquire(account, 30005, "key1", gw).getLease();
        StatusRuntimeException failure = fails(Status.Code.ALREADY_EXISTS, "PORT_HELD",
                () -> acquire(account, 30005, "key2", gw));
        assertEquals(held.getTunnelId(), GrpcFailure.fact(failure, "holder-tunnel").orElseThrow());
        assertEquals(Instant.ofEpochSecond(held.getExpiresAt().getSeconds(), held.getExpiresAt().getNanos()),
                Instant.parse(GrpcFailure.fact(failure, "expires-at").orElseThrow()));
        Instant.parse(GrpcFailure.fact(failure, "since").orElseThrow());
        assertEquals(held.getEpoch(), number(db, "SELECT epoch FROM lease WHERE account_id = ? AND port = 30005",
                account), "the holder keeps its lease");
    }

    @Test
    void letsAnotherAccountUseTheSamePort() {
        String gw = gateway();
        acquire(account(), 30006, "key1", gw);
        assertEquals(30006, acquire(account(), 30006, "key1", gw).getLease().getPort());
    }

    @Test
    void resumesTheSameKeyWithANewEpochAndTheSameTunnelWhileLive() {
        String account = account();
        String first = gateway();
        String second = gateway();
        Lease old = acquire(account, 30007, "key1", first).getLease();
        AcquireLeaseResponse again = acquire(account, 30007, "key1", second);
        assertTrue(again.getResumed());
        assertTrue(again.getLease().getEpoch() > old.getEpoch());
        assertEquals(old.getTunnelId(), again.getLease().getTunnelId());
        fails(Status.Code.FAILED_PRECONDITION, "LEASE_LOST", () -> registry().renewLease(RenewLeaseRequest.newBuilder()
                .setAccountId(account).setPort(30007).setEpoch(old.getEpoch()).setGatewayId(first).build()));
        assertEquals(1, number(db, "SELECT count(*) FROM lease_event WHERE epoch = ? AND type = 'SUPERSEDED'"
                + " AND gateway_id = ?", old.getEpoch(), first));
    }

    @Test
    void resumesTheSameKeyWithinTheGracePeriodAfterExpiry() {
        String account = account();
        String gw = gateway();
        Lease old = acquire(account, 30008, "key1", gw).getLease();
        expire(db, account, 30008, 10);
        fails(Status.Code.ALREADY_EXISTS, "PORT_HELD", () -> acquire(account, 30008, "key2", gw));
        AcquireLeaseResponse again = acquire(account, 30008, "key1", gw);
        assertTrue(again.getResumed());
        assertEquals(old.getTunnelId(), again.getLease().getTunnelId());
        assertEquals(1, number(db, "SELECT count(*) FROM lease_event WHERE epoch = ? AND type = 'EXPIRED'",
                old.getEpoch()), "the lapsed epoch ends as expired");
    }

    @Test
    void givesAnExpiredPortToAnotherKeyAfterTheGracePeriod() {
        String account = account();
        String gw = gateway();
        Lease old = acquire(account, 30009, "key1", gw).getLease();
        expire(db, account, 30009, 31);
        AcquireLeaseResponse taken = acquire(account, 30009, "key2", gw);
        assertFalse(taken.getResumed());
        assertNotEquals(old.getTunnelId(), taken.getLease().getTunnelId());
        assertEquals("DISCONNECTED", stringOf("SELECT status FROM tunnel WHERE tunnel_id = ?::uuid",
                old.getTunnelId()));
    }

    @Test
    void renewsALiveLeaseAndRecordsTheGatewaysCounters() {
        String account = account();
        String gw = gateway();
        Lease lease = acquire(account, 30010, "key1", gw).getLease();
        expire(db, account, 30010, -5); // 5 s from now: a renewal must push it back to 30 s
        RenewLeaseResponse renewed = registry().renewLease(RenewLeaseRequest.newBuilder().setAccountId(account)
                .setPort(30010).setEpoch(lease.getEpoch()).setGatewayId(gw)
                .setCounters(TrafficCounters.newBuilder().setBytesIn(1234).setBytesOut(5678)).build());
        long left = renewed.getExpiresAt().getSeconds() - Instant.now().getEpochSecond();
        assertTrue(left >= 25 && left <= 31, "seconds left " + left);
        Tunnel tunnel = registry().findTunnels(FindTunnelsRequest.newBuilder().setAccountId(account).setPort(30010)
                .build()).getTunnels(0);
        assertEquals(1234, tunnel.getBytesIn());
        assertEquals(5678, tunnel.getBytesOut());
        assertEquals(TunnelStatus.TUNNEL_STATUS_CONNECTED, tunnel.getStatus());
        assertEquals(gw, tunnel.getGateway().getGatewayId());
        assertEquals("proxy.test", tunnel.getGateway().getProxyHost());
        assertEquals("host-key1", tunnel.getAgentHost());
        assertEquals("agent 1.2", tunnel.getAgentVersion());
    }

    @Test
    void refusesARenewOfAnExpiredLeaseAsLost() {
        String account = account();
        String gw = gateway();
        Lease lease = acquire(account, 30011, "key1", gw).getLease();
        expire(db, account, 30011, 1);
        fails(Status.Code.FAILED_PRECONDITION, "LEASE_LOST", () -> renew(account, 30011, lease.getEpoch(), gw));
    }

    @Test
    void refusesARenewOfALeaseNeverGrantedAsNotFound() {
        fails(Status.Code.NOT_FOUND, "LEASE_NOT_FOUND", () -> renew(account(), 30012, 42, gateway()));
    }

    @Test
    void refusesARenewFromAnotherGatewayOrWithAnUnknownEpoch() {
        String account = account();
        String gw = gateway();
        Lease lease = acquire(account, 30013, "key1", gw).getLease();
        fails(Status.Code.FAILED_PRECONDITION, "LEASE_LOST", () -> renew(account, 30013, lease.getEpoch(), gateway()));
        fails(Status.Code.FAILED_PRECONDITION, "LEASE_LOST", () -> renew(account, 30013, lease.getEpoch() + 1000, gw));
        renew(account, 30013, lease.getEpoch(), gw);
    }

    @Test
    void releasesOnceAndAnswersFalseTheSecondTime() {
        String account = account();
        String gw = gateway();
        Lease lease = acquire(account, 30014, "key1", gw).getLease();
        assertTrue(release(account, 30014, lease.getEpoch(), gw));
        assertFalse(release(account, 30014, lease.getEpoch(), gw));
        assertEquals(1, number(db, "SELECT count(*) FROM lease_event WHERE epoch = ? AND type = 'RELEASED'",
                lease.getEpoch()));
        assertEquals(30014, acquire(account, 30014, "key2", gw).getLease().getPort(), "a released port is free");
        assertFalse(release(account(), 30015, 7, gw), "nothing to release is not an error");
    }

    @Test
    void aReleaseRepeatedAfterThePortWasGrantedAgainIsStillIdempotent() {
        String account = account();
        String gw = gateway();
        Lease lease = acquire(account, 30017, "key1", gw).getLease();
        assertTrue(release(account, 30017, lease.getEpoch(), gw));
        Lease next = acquire(account, 30017, "key2", gw).getLease();
        // e.g. the first answer was lost when a replica died, and the gateway repeats the release on another one
        assertFalse(release(account, 30017, lease.getEpoch(), gw));
        assertEquals("LIVE " + next.getEpoch(), stringOf("SELECT state || ' ' || epoch FROM lease"
                + " WHERE account_id = ? AND port = 30017", account), "the new holder keeps the port");
        // another gateway never released that epoch: for it, the lease is lost
        fails(Status.Code.FAILED_PRECONDITION, "LEASE_LOST", () -> release(account, 30017, lease.getEpoch(), gateway()));
    }

    @Test
    void refusesAReleaseWithAStaleEpoch() {
        String account = account();
        String gw = gateway();
        Lease old = acquire(account, 30016, "key1", gw).getLease();
        acquire(account, 30016, "key1", gw);
        fails(Status.Code.FAILED_PRECONDITION, "LEASE_LOST", () -> release(account, 30016, old.getEpoch(), gw));
        assertEquals("LIVE", stringOf("SELECT state FROM lease WHERE account_id = ? AND port = 30016", account));
    }

    @ParameterizedTest(name = "refuses port {0} for an acquisition")
    @ValueSource(ints = {29999, 30100, -1, 65536})
    void refusesAPortOutsideThePool(int port) {
        String account = account();
        StatusRuntimeException failure = fails(Status.Code.INVALID_ARGUMENT, "PORT_OUT_OF_RANGE",
                () -> acquire(account, port, "key1", gateway()));
        assertEquals(String.valueOf(port), GrpcFailure.fact(failure, "port").orElseThrow());
        assertTrue(failure.getStatus().getDescription().contains("from 30000 to 30099"));
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", account));
    }

    @Test
    void refusesPortZeroWhereItDoesNotMeanAny() {
        String gw = gateway();
        fails(Status.Code.INVALID_ARGUMENT, "PORT_OUT_OF_RANGE", () -> renew(account(), 0, 1, gw));
        fails(Status.Code.INVALID_ARGUMENT, "PORT_OUT_OF_RANGE", () -> release(account(), 0, 1, gw));
    }

    @Test
    void refusesAnEmptyAccountAnEmptyKeyAndABadEpoch() {
        String gw = gateway();
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_ACCOUNT", () -> acquire("", 30001, "key1", gw));
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_ACCOUNT", () -> acquire("acct one", 30001, "key1", gw));
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_API_KEY_ID", () -> acquire(account(), 30001, "", gw));
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_EPOCH", () -> renew(account(), 30001, 0, gw));
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_ACCOUNT", () -> registry().findTunnels(
                FindTunnelsRequest.newBuilder().build()));
    }

    @Test
    void refusesAnUnknownGatewayAndOneThatStoppedHeartbeating() {
        String account = account();
        fails(Status.Code.NOT_FOUND, "UNKNOWN_GATEWAY", () -> acquire(account, 30017, "key1", "gw-never-registered"));
        String gw = gateway();
        Fixtures.execute(db, "UPDATE gateway SET expires_at = now() - interval '1 second' WHERE gateway_id = ?", gw);
        fails(Status.Code.NOT_FOUND, "UNKNOWN_GATEWAY", () -> acquire(account, 30017, "key1", gw));
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", account));
    }

    @Test
    void answersPoolExhaustedWhenEveryPortIsHeld() {
        String account = account();
        String gw = gateway();
        for (int port = 30000; port <= 30099; port++) {
            acquire(account, port, "key-" + port, gw);
        }
        fails(Status.Code.RESOURCE_EXHAUSTED, "POOL_EXHAUSTED", () -> acquire(account, 0, "one-more", gw));
    }

    @Test
    void sweeperExpiresUnrenewedLeasesAndDisconnectsTheirTunnels() throws InterruptedException {
        String account = account();
        String gw = gateway();
        Lease lease = acquire(account, 30018, "key1", gw).getLease();
        expire(db, account, 30018, 1);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (number(db, "SELECT count(*) FROM lease_event WHERE epoch = ? AND type = 'EXPIRED'", lease.getEpoch()) == 0
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertEquals("EXPIRED", stringOf("SELECT state FROM lease WHERE account_id = ? AND port = 30018", account));
        Tunnel tunnel = registry().findTunnels(FindTunnelsRequest.newBuilder().setAccountId(account).build())
                .getTunnels(0);
        assertEquals(TunnelStatus.TUNNEL_STATUS_DISCONNECTED, tunnel.getStatus());
        assertTrue(tunnel.hasDisconnectedSince());
    }

    @Test
    void findsEveryTunnelOfAnAccountWithItsGateway() {
        String account = account();
        String gw = gateway();
        acquire(account, 30020, "key1", gw);
        Lease second = acquire(account, 30021, "key2", gw).getLease();
        release(account, 30021, second.getEpoch(), gw);
        var tunnels = registry().findTunnels(FindTunnelsRequest.newBuilder().setAccountId(account).build())
                .getTunnelsList();
        assertEquals(2, tunnels.size());
        assertEquals(TunnelStatus.TUNNEL_STATUS_CONNECTED, tunnels.get(0).getStatus());
        assertEquals(TunnelStatus.TUNNEL_STATUS_DISCONNECTED, tunnels.get(1).getStatus());
        assertEquals(0, registry().findTunnels(FindTunnelsRequest.newBuilder().setAccountId(account())
                .build()).getTunnelsCount());
    }

    private static RenewLeaseResponse renew(String account, int port, long epoch, String gw) {
        return registry().renewLease(RenewLeaseRequest.newBuilder().setAccountId(account).setPort(port)
                .setEpoch(epoch).setGatewayId(gw).build());
    }

    private static boolean release(String account, int port, long epoch, String gw) {
        return registry().releaseLease(ReleaseLeaseRequest.newBuilder().setAccountId(account).setPort(port)
                .setEpoch(epoch).setGatewayId(gw).build()).getReleased();
    }

    private String stringOf(String sql, Object... args) {
        try (var c = db.getConnection(); var s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
