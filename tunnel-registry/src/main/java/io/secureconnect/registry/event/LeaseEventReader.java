package io.secureconnect.registry.event;

import static io.secureconnect.registry.db.Jdbc.failure;
import static io.secureconnect.registry.db.Jdbc.instant;
import static io.secureconnect.registry.db.Jdbc.uuid;

import io.secureconnect.registry.lease.Lease;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads lease events of one gateway in commit order, from any replica's writes. A bigserial id alone would skip
 * events whose transaction commits after a later id was read; instead a reader takes only events of transactions
 * older than every transaction still running (the snapshot's xmin), and its cursor is that horizon.
 */
@ApplicationScoped
public class LeaseEventReader {

    /** Where a reader stands: every event of a transaction below {@code horizon} was read. */
    public record Cursor(long horizon) {
    }

    /** A batch of events and the cursor after it. */
    public record Batch(List<LeaseEventRecord> events, Cursor next) {
    }

    @Inject
    DataSource dataSource;

    /** The cursor for "from now on": events of transactions still running are not skipped. */
    public Cursor now() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"); ResultSet rs = s.executeQuery()) {
            rs.next();
            return new Cursor(rs.getLong(1));
        } catch (SQLException e) {
            throw failure("reading the event horizon", e);
        }
    }

    /** Events of {@code gatewayId} written by transactions from {@code cursor} up to the current horizon. */
    public Batch read(String gatewayId, Cursor cursor) {
        String sql = "WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)"
                + " SELECT h.horizon::text::bigint AS horizon, e.id, e.type, e.account_id, e.port, e.epoch, e.tunnel_id,"
                + " e.api_key_id, e.gateway_id, e.acquired_at, e.expires_at, e.at FROM h LEFT JOIN lease_event e"
                + " ON e.gateway_id = ? AND e.xid >= ?::text::xid8 AND e.xid < h.horizon ORDER BY e.xid, e.id";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, gatewayId);
            s.setString(2, Long.toString(cursor.horizon()));
            try (ResultSet rs = s.executeQuery()) {
                List<LeaseEventRecord> events = new ArrayList<>();
                long horizon = cursor.horizon();
                while (rs.next()) {
                    horizon = Math.max(horizon, rs.getLong("horizon"));
                    if (rs.getString("type") != null) {
                        Lease lease = new Lease(rs.getString("account_id"), rs.getInt("port"), uuid(rs, "tunnel_id"),
                                rs.getString("api_key_id"), rs.getString("gateway_id"), rs.getLong("epoch"),
                                instant(rs, "acquired_at"), instant(rs, "expires_at"));
                        events.add(new LeaseEventRecord(rs.getLong("id"), rs.getString("type"), lease,
                                instant(rs, "at")));
                    }
                }
                return new Batch(events, new Cursor(horizon));
            }
        } catch (SQLException e) {
            throw failure("reading lease events", e);
        }
    }
}
