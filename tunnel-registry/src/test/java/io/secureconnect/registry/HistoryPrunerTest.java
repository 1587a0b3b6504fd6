package io.secureconnect.registry;

import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.execute;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.number;
import static io.secureconnect.registry.Fixtures.registry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.registry.lease.HistoryPruner;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The history older than the retention goes (lease events, disconnected tunnels no lease names), in passes of a
 * bounded size; the rest stays. Time is backdated in the rows, as if eight days had passed.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class HistoryPrunerTest {

    private static final Duration WEEK = Duration.ofDays(7);

    @Inject
    DataSource db;

    @Inject
    HistoryPruner pruner;

    @Test
    void prunesEventsAndDisconnectedTunnelsPastTheRetentionAndKeepsTheRest() {
        String gw = gateway();
        String old = account();
        Lease first = acquire(old, 30000, "k1", gw).getLease();
        release(first, gw);
        Lease again = acquire(old, 30000, "k1", gw).getLease(); // connected; lease(30000) now names this tunnel
        Lease other = acquire(old, 30001, "k2", gw).getLease();
        release(other, gw); // disconnected, but lease(30001) still names it
        execute(db, "UPDATE lease_event SET at = now() - interval '8 days' WHERE account_id = ?", old);
        execute(db, "UPDATE tunnel SET connected_since = now() - interval '9 days', disconnected_since ="
                + " CASE WHEN status = 'DISCONNECTED' THEN now() - interval '8 days' END WHERE account_id = ?", old);
        String recent = account();
        Lease fresh = acquire(recent, 30000, "k3", gw).getLease();
        release(fresh, gw);

        HistoryPruner.Pruned pruned = pruner.prune(WEEK);

        assertTrue(pruned.events() >= 5 && pruned.tunnels() >= 1, pruned.toString());
        assertEquals(0, number(db, "SELECT count(*) FROM lease_event WHERE account_id = ?", old));
        assertEquals(2, number(db, "SELECT count(*) FROM lease_event WHERE account_id = ?", recent),
                "this week's events stay");
        assertEquals(0, tunnels(first), "disconnected 8 days ago and no lease names it");
        assertEquals(1, tunnels(again), "connected, however long ago");
        assertEquals(1, tunnels(other), "the tunnel lease(30001) names stays for the tunnel list");
        assertEquals(1, tunnels(fresh));
        assertEquals(2, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", old), "leases are not history");
        assertEquals(again.getEpoch(), number(db, "SELECT epoch FROM lease WHERE account_id = ? AND port = 30000"
                + " AND state = 'LIVE'", old));
    }

    @Test
    void prunesABacklogLargerThanOnePassInSeveral() {
        String account = account();
        int backlog = 12_345;
        execute(db, "INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,"
                + " acquired_at, expires_at, at) SELECT 'ACQUIRED', ?, 30000, nextval('lease_epoch_seq'),"
                + " gen_random_uuid(), 'k', 'gw', now(), now(), now() - interval '30 days'"
                + " FROM generate_series(1, ?)", account, backlog);

        HistoryPruner.Pruned pruned = pruner.prune(WEEK);

        assertTrue(pruned.events() >= backlog, pruned.toString());
        assertEquals(0, number(db, "SELECT count(*) FROM lease_event WHERE account_id = ?", account));
        assertEquals(new HistoryPruner.Pruned(0, 0), pruner.prune(WEEK), "nothing left past the retention");
    }

    private long tunnels(Lease lease) {
        return number(db, "SELECT count(*) FROM tunnel WHERE tunnel_id = ?::uuid", lease.getTunnelId());
    }

    private static void release(Lease lease, String gw) {
        assertTrue(registry().releaseLease(ReleaseLeaseRequest.newBuilder().setAccountId(lease.getAccountId())
                .setPort(lease.getPort()).setEpoch(lease.getEpoch()).setGatewayId(gw).build()).getReleased());
    }
}
