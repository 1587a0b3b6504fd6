package io.secureconnect.keyvalidator.revocation;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Revocation events for watchers: a replay from the database, then the live ones the poller reads. */
@ApplicationScoped
public class RevocationFeed {

    private static final int MAX_REPLAY = 100_000;

    @Inject
    AgroalDataSource dataSource;

    private final List<Consumer<List<RevocationRow>>> listeners = new CopyOnWriteArrayList<>();
    /** Calls {@code listener} with every batch the poller reads, in sequence order, until closed. */
    public AutoCloseable subscribe(Consumer<List<RevocationRow>> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public int watchers() {
        return listeners.size();
    }

    void publish(List<RevocationRow> rows) {
        for (Consumer<List<RevocationRow>> listener : listeners) {
            listener.accept(rows);
        }
    }

    /** The events recorded after {@code since}, in sequence order (blocking: call on a worker thread). */
    public List<RevocationRow> replay(Instant since) {
        List<RevocationRow> rows = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT sequence, account_id, api_key_identifier, token_id, cause, at FROM revocation_event"
                             + " WHERE at > ? ORDER BY sequence LIMIT " + MAX_REPLAY)) {
            query.setTimestamp(1, Timestamp.from(since));
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(row(result));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read revocation events: " + e.getMessage(), e);
        }
        return rows;
    }

    static RevocationRow row(ResultSet result) throws SQLException {
        return new RevocationRow(result.getLong(1), result.getString(2), result.getString(3), result.getString(4),
                EndCause.valueOf(result.getString(5)), result.getTimestamp(6).toInstant());
    }
}
