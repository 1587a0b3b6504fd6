package io.secureconnect.bench;

import io.secureconnect.proto.tunnelregistry.v1.Lease;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The database's share of RenewLease, without the service: one requester per lease the service renewed (the same
 * leases, by account, port, epoch and gateway), over a FIFO pool of as many connections as the service's, running the
 * registry's own renew statement (LeaseService.renew: one statement, synchronous commit off for it) in autocommit.
 * What the service adds per renewal is the difference.
 */
final class RenewSqlFloor {

    /** A copy of LeaseService.renew's statement (30 s, the registry's default lease TTL). */
    static final String RENEW = "WITH renewed AS (UPDATE lease SET expires_at = CASE WHEN isfinite(expires_at)"
            + " THEN now() + make_interval(secs => 30) ELSE expires_at END WHERE account_id = ? AND port = ?"
            + " AND epoch = ? AND gateway_id = ? AND state = 'LIVE' AND expires_at >= now()"
            + " RETURNING tunnel_id, expires_at), touched AS (UPDATE tunnel t SET last_heartbeat = now(),"
            + " bytes_in = COALESCE(?::bigint, t.bytes_in), bytes_out = COALESCE(?::bigint, t.bytes_out)"
            + " FROM renewed WHERE t.tunnel_id = renewed.tunnel_id),"
            + " async AS (SELECT set_config('synchronous_commit', 'off', true))"
            + " SELECT expires_at FROM renewed, async";

    private RenewSqlFloor() {
    }

    static void run(String jdbcUrl, List<Lease> leases, int poolSize, Duration warmup, Duration duration, String out)
            throws Exception {
        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(poolSize, true);
        for (int i = 0; i < poolSize; i++) {
            Connection connection = DriverManager.getConnection(jdbcUrl);
            connection.setAutoCommit(true);
            pool.add(connection);
        }
        Result result = ClosedLoop.run("SQL floor: renew statement (pool " + poolSize + ")", leases.size(), warmup,
                duration, (caller, iteration) -> {
                    Lease lease = leases.get(caller);
                    long start = System.nanoTime();
                    Connection connection = pool.take();
                    try (PreparedStatement s = connection.prepareStatement(RENEW)) {
                        s.setString(1, lease.getAccountId());
                        s.setInt(2, lease.getPort());
                        s.setLong(3, lease.getEpoch());
                        s.setString(4, lease.getGatewayId());
                        s.setLong(5, iteration * 1000);
                        s.setLong(6, iteration * 2000);
                        try (ResultSet rs = s.executeQuery()) {
                            if (!rs.next()) {
                                throw new IllegalStateException("the lease of " + lease.getAccountId() + ":"
                                        + lease.getPort() + " was not renewed (no longer live)");
                            }
                        }
                    } finally {
                        pool.put(connection);
                    }
                    return System.nanoTime() - start;
                });
        result.report(out);
        for (Connection connection : pool) {
            try {
                connection.close();
            } catch (SQLException e) {
                System.out.println("  closing a floor connection: " + e.getMessage());
            }
        }
    }
}
