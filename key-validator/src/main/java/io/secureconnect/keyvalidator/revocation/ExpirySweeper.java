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
import org.jboss.logging.Logger;

/**
 * Announces tokens whose valid-to or rotation cut-off has passed as revocation events (EXPIRED or ROTATED_OUT),
 * so gateways close their tunnels. Validation itself never needs this: it checks the clock on every call.
 * Idempotent across replicas: the token row is marked in the same transaction (row locks make a second
 * replica skip it) and a unique index allows one such event per token.
 */
@ApplicationScoped
public class ExpirySweeper {

    private static final Logger LOG = Logger.getLogger(ExpirySweeper.class);
    private static final String DUE = "t.end_announced_at IS NULL AND t.revoked_at IS NULL"
            + " AND LEAST(t.valid_to, COALESCE(t.scheduled_expire_time, t.valid_to)) <= now()";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    KeysConfig config;

    @Inject
    Background background;

    void start(@Observes StartupEvent event) {
        background.every(config.expirySweepInterval(), "expiry sweep", this::sweep);
    }

    /** Announces every token due; returns how many this replica announced. */
    public int sweep() {
        try (Connection connection = dataSource.getConnection()) {
            if (!anyDue(connection)) {
                return 0;
            }
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, RevocationLog.LOCK_KEY);
                    lock.execute();
                }
                int announced;
                try (PreparedStatement announce = connection.prepareStatement(
                        "WITH ended AS (UPDATE token t SET end_announced_at = now() FROM api_key k"
                                + " WHERE k.id = t.api_key_id AND " + DUE
                                + " RETURNING t.id, k.account_id, k.identifier,"
                                + " CASE WHEN t.scheduled_expire_time IS NOT NULL AND t.scheduled_expire_time < t.valid_to"
                                + " THEN 'ROTATED_OUT' ELSE 'EXPIRED' END AS cause)"
                                + " INSERT INTO revocation_event (account_id, api_key_identifier, token_id, cause)"
                                + " SELECT account_id, identifier, id, cause FROM ended ORDER BY id"
                                + " ON CONFLICT (token_id, cause) WHERE cause IN ('EXPIRED', 'ROTATED_OUT') DO NOTHING")) {
                    announced = announce.executeUpdate();
                }
                connection.commit();
                if (announced > 0) {
                    LOG.infof("announced %d token(s) whose lifetime ended", announced);
                }
                return announced;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("expiry sweep: " + e.getMessage(), e);
        }
    }

    private static boolean anyDue(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM token t WHERE " + DUE + ")");
             ResultSet result = query.executeQuery()) {
            result.next();
            return result.getBoolean(1);
        }
    }
}
