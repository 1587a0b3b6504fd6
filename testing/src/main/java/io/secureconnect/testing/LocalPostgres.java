package io.secureconnect.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL server tests run against: the real local one, never an in-memory stand-in.
 * {@code SC_TEST_PG_HOST}, {@code SC_TEST_PG_PORT}, {@code SC_TEST_PG_USER} and {@code SC_TEST_PG_PASSWORD}
 * override the defaults (127.0.0.1:5432, user postgres, trust auth).
 */
public final class LocalPostgres {

    private LocalPostgres() {
    }

    public static String host() {
        return setting("SC_TEST_PG_HOST", "127.0.0.1");
    }

    public static String port() {
        return setting("SC_TEST_PG_PORT", "5432");
    }

    public static String user() {
        return setting("SC_TEST_PG_USER", "postgres");
    }

    public static String password() {
        return setting("SC_TEST_PG_PASSWORD", "");
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** Creates an empty database with a unique name that starts with {@code prefix}, and returns the name. */
    public static String createUniqueDatabase(String prefix) {
        String name = ("sc_test_" + prefix + "_" + UUID.randomUUID().toString().substring(0, 12))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        execute("CREATE DATABASE " + name);
        return name;
    }

    /** Drops a database, closing whatever connections are still open to it. */
    public static void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host() + ":" + port() + " refused '" + sql + "': "
                    + e.getMessage() + " (is it running? .ci/run starts it)", e);
        }
    }

    private static String setting(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
