package io.secureconnect.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The database's share of AcquireLease, without the service: the same requesters (each its own account and key)
 * over a pool of as many connections as the service's, calling the registry's own SQL on the registry's database:
 * {@code lease_acquire} for port 0 (timed), then the release statement the service runs (not timed), each in
 * autocommit with synchronous commit, as the service does. What the service adds is the difference.
 */
final class LeaseSqlFloor {

    static final String GATEWAY = "sql-floor-gateway";
    static final String ACQUIRE = "SELECT outcome, port, epoch FROM lease_acquire(?, 0, ?, ?, ?, 'floor-host', 'floor',"
            + " false, 30, 30, 30000, 30099)";
    static final String RELEASE = "WITH released AS (UPDATE lease SET state = 'RELEASED', ended_at = now()"
            + " WHERE account_id = ? AND port = ? AND epoch = ? AND gateway_id = ? AND state = 'LIVE' RETURNING *),"
            + " event AS (INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,"
            + " acquired_at, expires_at) SELECT 'RELEASED', account_id, port, epoch, tunnel_id, api_key_id,"
            + " gateway_id, acquired_at, expires_at FROM released), off AS (UPDATE tunnel t SET status ="
            + " 'DISCONNECTED', disconnected_since = now() FROM released WHERE t.tunnel_id = released.tunnel_id"
            + " AND t.status = 'CONNECTED') SELECT count(*) FROM released";

    private LeaseSqlFloor() {
    }

    /** {port, epoch} of a grant of any free port to this caller's account. */
    private static long[] acquire(BlockingQueue<Connection> pool, int caller) throws Exception {
        Connection connection = pool.take();
        try (PreparedStatement s = connection.prepareStatement(ACQUIRE)) {
            s.setString(1, "floor-account-" + caller);
            s.setString(2, "floor-key-" + caller);
            s.setString(3, GATEWAY);
            s.setString(4, "floor-agent-" + caller);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                if (!"GRANTED".equals(rs.getString(1))) {
                    throw new IllegalStateException("lease_acquire answered " + rs.getString(1));
                }
                return new long[] {rs.getInt(2), rs.getLong(3)};
            }
        } finally {
            pool.put(connection);
        }
    }

    private static void release(BlockingQueue<Connection> pool, int caller, int port, long epoch) throws Exception {
        Connection connection = pool.take();
        try (PreparedStatement s = connection.prepareStatement(RELEASE)) {
            s.setString(1, "floor-account-" + caller);
            s.setInt(2, port);
            s.setLong(3, epoch);
            s.setString(4, GATEWAY);
            s.executeQuery().close();
        } finally {
            pool.put(connection);
        }
    }

    static void run(String jdbcUrl, int requesters, int poolSize, Duration warmup, Duration duration, String out)
            throws Exception {
        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(poolSize, true); // FIFO, like a worker queue
        for (int i = 0; i < poolSize; i++) {
            Connection connection = DriverManager.getConnection(jdbcUrl);
            connection.setAutoCommit(true);
            pool.add(connection);
        }
        try (Statement s = pool.peek().createStatement()) {
            s.execute("INSERT INTO gateway (gateway_id, agent_endpoint, proxy_host, version, expires_at) VALUES ('"
                    + GATEWAY + "', 'floor:8443', 'floor', 'bench', 'infinity') ON CONFLICT (gateway_id)"
                    + " DO UPDATE SET expires_at = 'infinity'");
        }
        Result result = ClosedLoop.run("SQL floor: lease_acquire (pool " + poolSize + ")", requesters, warmup,
                duration, (caller, iteration) -> {
                    long start = System.nanoTime();
                    long[] grant = acquire(pool, caller);
                    long nanos = System.nanoTime() - start;
                    release(pool, caller, (int) grant[0], grant[1]); // a separate call, as through the service
                    return nanos;
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
