package io.secureconnect.keyvalidator.revocation;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.jobs.Background;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Every replica reads new revocation events and cache invalidations from the database every
 * {@code revocation-poll-interval}: it evicts the tokens they name from its cache and hands the revocation
 * events to {@link RevocationFeed} (WatchRevocations). While polls fail the cache is not trusted (see
 * {@link #isFresh()}), so a replica that cannot hear revocations answers from the database or not at all.
 */
@ApplicationScoped
public class RevocationPoller {

    private static final Logger LOG = Logger.getLogger(RevocationPoller.class);
    private static final int BATCH = 500;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    KeysConfig config;

    @Inject
    Evictions cache;

    @Inject
    RevocationFeed feed;

    @Inject
    Background background;

    private volatile long revocationCursor;
    private volatile long invalidationCursor;
    /** Starts an hour in the past: nothing is fresh before the first poll (and no overflow in the subtraction). */
    private volatile long lastSuccessNanos = System.nanoTime() - java.util.concurrent.TimeUnit.HOURS.toNanos(1);
    private volatile boolean failing;

    void start(@Observes StartupEvent event) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            revocationCursor = single(statement, "SELECT COALESCE(MAX(sequence), 0) FROM revocation_event");
            invalidationCursor = single(statement, "SELECT COALESCE(MAX(sequence), 0) FROM cache_invalidation");
        }
        lastSuccessNanos = System.nanoTime();
        background.every(config.revocationPollInterval(), "revocation poll", this::poll);
    }

    /** True while the last successful poll is recent enough for cached validations to be trusted. */
    public boolean isFresh() {
        return System.nanoTime() - lastSuccessNanos < config.revocationMaxStaleness().toNanos();
    }

    /** The sequence of the last revocation event this replica has seen. */
    public long revocationCursor() {
        return revocationCursor;
    }

    void poll() {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            pollInvalidations(connection);
            pollRevocations(connection);
            lastSuccessNanos = started;
            if (failing) {
                failing = false;
                LOG.info("revocation poll works again");
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warnf("revocation poll failed, cached validations are not used until it works: %s", e.getMessage());
            }
        }
    }

    private void pollRevocations(Connection connection) throws SQLException {
        List<RevocationRow> rows;
        do {
            rows = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT sequence, account_id, api_key_identifier, token_id, cause, at FROM revocation_event"
                            + " WHERE sequence > ? ORDER BY sequence LIMIT " + BATCH)) {
                query.setLong(1, revocationCursor);
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        rows.add(RevocationFeed.row(result));
                    }
                }
            }
            for (RevocationRow row : rows) {
                cache.evictToken(row.tokenId());
            }
            if (!rows.isEmpty()) {
                revocationCursor = rows.get(rows.size() - 1).sequence();
                feed.publish(rows);
            }
        } while (rows.size() == BATCH);
    }

    private void pollInvalidations(Connection connection) throws SQLException {
        int seen;
        do {
            seen = 0;
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT sequence, account_id, token_id, principal_type, principal_id FROM cache_invalidation"
                            + " WHERE sequence > ? ORDER BY sequence LIMIT " + BATCH)) {
                query.setLong(1, invalidationCursor);
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        seen++;
                        String tokenId = result.getString(3);
                        if (tokenId != null) {
                            cache.evictToken(tokenId);
                        } else {
                            cache.evictPrincipal(result.getString(2), result.getString(4), result.getString(5));
                        }
                        invalidationCursor = result.getLong(1);
                    }
                }
            }
        } while (seen == BATCH);
    }

    private static long single(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
