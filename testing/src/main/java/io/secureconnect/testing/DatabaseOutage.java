package io.secureconnect.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Takes one test run's database away from a running service and gives it back, while the shared PostgreSQL server
 * (and every other run's database) stays up: new connections to it are refused ({@code ALLOW_CONNECTIONS false}) and
 * every open one is ended ({@code pg_terminate_backend}), which is what a stopped server looks like to the service's
 * pool. Only a run's own database ({@code sc_test_...}, {@link FreshDatabaseResource}) can be taken. Use it with
 * try-with-resources: closing gives the database back whatever happened.
 */
public final class DatabaseOutage implements AutoCloseable {

    private final String database;
    private final long startedNanos;
    private volatile long endedNanos;

    private DatabaseOutage(String database, long startedNanos) {
        this.database = database;
        this.startedNanos = startedNanos;
    }

    /** Takes away the database a JDBC URL names, e.g. the service's {@code quarkus.datasource.jdbc.url}. */
    public static DatabaseOutage of(String jdbcUrl) {
        String path = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        int query = path.indexOf('?');
        return begin(query < 0 ? path : path.substring(0, query));
    }

    /** Refuses new connections to {@code database} and ends the open ones; returns once they are gone. */
    public static DatabaseOutage begin(String database) {
        if (!database.matches("sc_test_[a-z0-9_]+")) {
            throw new IllegalArgumentException(database + ": only a test run's own database (sc_test_...) is taken away");
        }
        onServer("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false", null);
        try {
            // pg_terminate_backend(pid, timeout) waits for each session to end (PostgreSQL 14 and later).
            onServer("SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE datname = ?"
                    + " AND pid <> pg_backend_pid()", database);
        } catch (RuntimeException e) {
            onServer("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true", null);
            throw e;
        }
        return new DatabaseOutage(database, System.nanoTime());
    }

    /** When the last session was ended ({@link System#nanoTime()}): nothing the service did after it reached the database. */
    public long startedNanos() {
        return startedNanos;
    }

    /** Time since the database was taken away. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Gives the database back (again: nothing). */
    public synchronized void end() {
        if (endedNanos == 0) {
            onServer("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true", null);
            endedNanos = System.nanoTime();
        }
    }

    /** Time since the database was given back. */
    public Duration sinceEnd() {
        if (endedNanos == 0) {
            throw new IllegalStateException("the database is still away");
        }
        return Duration.ofNanos(System.nanoTime() - endedNanos);
    }

    /** Waits until the outage has lasted {@code duration} (e.g. 10 s), then gives the database back. */
    public void endAfter(Duration duration) {
        Duration left = duration.minus(elapsed());
        if (!left.isNegative()) {
            sleep(left.toMillis());
        }
        end();
    }

    @Override
    public void close() {
        end();
    }

    /**
     * Polls {@code condition} every 50 ms until it holds and returns how long that took; fails after {@code within}
     * (a hang guard, not a performance assertion).
     */
    public static Duration await(Duration within, String what, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not happen within " + within.toSeconds() + " s");
            }
            sleep(50);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void onServer(String sql, String parameter) {
        try (Connection connection = DriverManager.getConnection(LocalPostgres.jdbcUrl("postgres"), LocalPostgres.user(),
                LocalPostgres.password())) {
            if (parameter == null) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                }
            } else {
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setString(1, parameter);
                    statement.execute();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused '" + sql + "': " + e.getMessage(), e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
