package io.secureconnect.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The floor under any lease operation: one single-row {@code INSERT ... ON CONFLICT DO UPDATE} (autocommit) on the
 * same PostgreSQL, by the same number of requesters sharing a pool of as many connections as the service's pool
 * (Agroal's default max-size 20), each requester its own row.
 */
final class UpsertBaseline {

    private UpsertBaseline() {
    }

    static void run(String jdbcUrl, int requesters, int poolSize, Duration warmup, Duration duration, String out)
            throws Exception {
        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(poolSize);
        for (int i = 0; i < poolSize; i++) {
            Connection connection = DriverManager.getConnection(jdbcUrl);
            connection.setAutoCommit(true);
            pool.add(connection);
        }
        try (Statement ddl = pool.peek().createStatement()) {
            ddl.execute("CREATE TABLE IF NOT EXISTS bench_upsert (k text PRIMARY KEY, v bigint NOT NULL,"
                    + " at timestamptz NOT NULL)");
        }
        String sql = "INSERT INTO bench_upsert (k, v, at) VALUES (?, 1, now())"
                + " ON CONFLICT (k) DO UPDATE SET v = bench_upsert.v + 1, at = now()";
        Result result = ClosedLoop.run("baseline JDBC upsert (pool " + poolSize + ")", requesters, warmup, duration,
                (caller, iteration) -> ClosedLoop.timed(() -> {
                    Connection connection = pool.take();
                    try (PreparedStatement s = connection.prepareStatement(sql)) {
                        s.setString(1, "requester-" + caller);
                        s.executeUpdate();
                    } finally {
                        pool.put(connection);
                    }
                }));
        result.report(out);
        for (Connection connection : pool) {
            close(connection);
        }
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            System.out.println("  closing a baseline connection: " + e.getMessage());
        }
    }
}
