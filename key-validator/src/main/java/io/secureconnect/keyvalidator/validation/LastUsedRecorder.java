package io.secureconnect.keyvalidator.validation;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.jobs.Background;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the last successful use of each token in memory and writes them every {@code last-used-flush-interval}
 * in batches of one UPDATE ... FROM (VALUES ...) each: never a database write per validation. A replica that
 * dies loses at most one interval of last-used times, which only ever move forward (GREATEST). A use recorded
 * into the old map just as a flush swaps it may be lost: last-used is informational, never a security input.
 */
@ApplicationScoped
public class LastUsedRecorder {

    private static final int BATCH = 500;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    KeysConfig config;

    @Inject
    Background background;

    private volatile Map<String, Instant> pending = new ConcurrentHashMap<>();

    void start(@Observes StartupEvent event) {
        background.every(config.lastUsedFlushInterval(), "last-used flush", this::flush);
    }

    void stop(@Observes ShutdownEvent event) {
        try {
            flush();
        } catch (RuntimeException e) {
            // the database may already be gone at shutdown; last-used times are best effort
        }
    }

    public void record(String tokenId, Instant at) {
        pending.merge(tokenId, at, (old, now) -> now.isAfter(old) ? now : old);
    }

    /** The not yet written last use of a token on this replica, or null. */
    public Instant pending(String tokenId) {
        return pending.get(tokenId);
    }

    /** Writes what was collected; returns how many tokens it updated. */
    public synchronized int flush() {
        Map<String, Instant> batch = pending;
        if (batch.isEmpty()) {
            return 0;
        }
        pending = new ConcurrentHashMap<>();
        List<Map.Entry<String, Instant>> entries = new ArrayList<>(batch.entrySet());
        int updated = 0;
        try (Connection connection = dataSource.getConnection()) {
            for (int start = 0; start < entries.size(); start += BATCH) {
                updated += write(connection, entries.subList(start, Math.min(entries.size(), start + BATCH)));
            }
        } catch (SQLException e) {
            entries.forEach(entry -> record(entry.getKey(), entry.getValue()));
            throw new IllegalStateException("cannot write last-used times: " + e.getMessage(), e);
        }
        return updated;
    }

    private static int write(Connection connection, List<Map.Entry<String, Instant>> entries) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE token t SET last_used_at = GREATEST(t.last_used_at, v.at)"
                + " FROM (VALUES ");
        for (int i = 0; i < entries.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?::timestamptz)");
        }
        sql.append(") AS v(id, at) WHERE t.id = v.id");
        try (PreparedStatement update = connection.prepareStatement(sql.toString())) {
            int index = 1;
            for (Map.Entry<String, Instant> entry : entries) {
                update.setString(index++, entry.getKey());
                update.setTimestamp(index++, Timestamp.from(entry.getValue()));
            }
            return update.executeUpdate();
        }
    }
}
