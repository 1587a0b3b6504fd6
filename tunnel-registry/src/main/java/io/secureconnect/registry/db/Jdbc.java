package io.secureconnect.registry.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Small JDBC helpers. Lease changes are single SQL statements or row-locked transactions that use the database
 * clock ({@code now()}), so they go through JDBC rather than entities: every replica then agrees on time and on
 * who holds a port.
 */
public final class Jdbc {

    private Jdbc() {
    }

    /** A duration as the seconds {@code make_interval(secs => ?)} takes. */
    public static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** A timestamptz column; {@code null} for NULL and for 'infinity' (held until released). */
    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        if (value == null || value.equals(OffsetDateTime.MAX) || value.getYear() > 100_000) {
            return null;
        }
        return value.toInstant();
    }

    public static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    /** Wraps an SQLException; the message is logged by the REST and gRPC mappers, never sent. */
    public static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException(what + " failed: " + e.getMessage(), e);
    }
}
