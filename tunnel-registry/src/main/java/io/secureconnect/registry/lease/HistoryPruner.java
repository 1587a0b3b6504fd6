package io.secureconnect.registry.lease;

import static io.secureconnect.registry.db.Jdbc.failure;
import static io.secureconnect.registry.db.Jdbc.seconds;

import io.quarkus.scheduler.Scheduled;
import io.secureconnect.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Deletes the history older than {@code secureconnect.registry.history-retention} (default 7 days): lease events
 * (three or so per tunnel) and disconnected tunnels (one per acquisition), which would otherwise grow without end.
 * Kept whatever their age: a connected tunnel, and the tunnel each lease row names (the REST list shows one tunnel
 * per port ever leased). Every replica prunes; rows another replica is deleting are skipped, never waited for; each
 * statement deletes at most {@link #BATCH} rows, so no transaction grows with the backlog, and a run stops after
 * {@link #PASSES} statements per table (a larger backlog goes on at the next run).
 *
 * <p>Consequence: a release repeated after its RELEASED event was pruned, once the port was granted again, is answered
 * LEASE_LOST instead of "nothing to release" (the registry no longer knows this gateway released it).
 */
@ApplicationScoped
public class HistoryPruner {

    static final int BATCH = 5_000;
    static final int PASSES = 100;
    private static final Logger LOG = Logger.getLogger(HistoryPruner.class);

    /**
     * Events by id (the primary key), oldest first: only the oldest rows are read, however long the table is. The
     * rows to delete are picked first and then deleted by key ({@code = ANY (ARRAY(...))}): with {@code IN (...)}
     * PostgreSQL joined the pick to a scan of the whole table, every pass (42 ms instead of 8 for 300,000 rows).
     */
    private static final String EVENTS = "DELETE FROM lease_event WHERE at < now() - make_interval(secs => ?)"
            + " AND id = ANY (ARRAY(SELECT id FROM lease_event ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED))";
    private static final String TUNNELS = "DELETE FROM tunnel WHERE tunnel_id = ANY (ARRAY(SELECT t.tunnel_id"
            + " FROM tunnel t WHERE t.status = 'DISCONNECTED' AND t.disconnected_since < now() - make_interval(secs"
            + " => ?) AND NOT EXISTS (SELECT 1 FROM lease l WHERE l.tunnel_id = t.tunnel_id) LIMIT ?"
            + " FOR UPDATE SKIP LOCKED))";

    /** What one pass deleted. */
    public record Pruned(long events, long tunnels) {
    }

    @Inject
    DataSource dataSource;

    @Inject
    RegistryConfig config;

    /** First one prune-interval after start-up (tests set it beyond their run, and call {@link #prune} instead). */
    @Scheduled(every = "${secureconnect.registry.prune-interval:10m}",
            delayed = "${secureconnect.registry.prune-interval:10m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        Pruned pruned = prune(config.historyRetention());
        if (pruned.events() + pruned.tunnels() > 0) {
            LOG.infof("history older than %s pruned: %d lease events, %d tunnels", config.historyRetention(),
                    pruned.events(), pruned.tunnels());
        }
    }

    /** Deletes everything older than {@code retention} (but what is kept, above) and says how much. */
    public Pruned prune(Duration retention) {
        return new Pruned(deleteAll(EVENTS, retention), deleteAll(TUNNELS, retention));
    }

    /** Runs the statement (its parameters: the retention, then the batch size) until a pass deletes nothing. */
    private long deleteAll(String sql, Duration retention) {
        long total = 0;
        int deleted;
        int passes = 0;
        do {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
                s.setDouble(1, seconds(retention));
                s.setInt(2, BATCH);
                deleted = s.executeUpdate();
            } catch (SQLException e) {
                throw failure("pruning the lease history", e);
            }
            total += deleted;
        } while (deleted > 0 && ++passes < PASSES);
        return total;
    }
}
