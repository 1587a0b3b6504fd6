package io.secureconnect.registry.lease;

import static io.secureconnect.registry.db.Jdbc.failure;
import static io.secureconnect.registry.db.Jdbc.instant;
import static io.secureconnect.registry.db.Jdbc.seconds;

import io.secureconnect.registry.config.RegistryConfig;
import io.secureconnect.registry.pool.PortPool;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Leases of (account, port): acquire, renew, release, force-release and expiry. Every decision is taken by
 * PostgreSQL (row locks, the primary key, {@code now()}), so any number of replicas may serve at once.
 */
@ApplicationScoped
public class LeaseService {

    private static final Logger LOG = Logger.getLogger(LeaseService.class);
    private static final int SWEEP_BATCH = 500;

    private final DataSource dataSource;
    private final RegistryConfig config;
    private final PortPool pool;
    private final LeaseRules rules;
    private final LeaseStore store;
    private final LeaseMetrics metrics;
    private final LeaseBatcher batcher;

    @Inject
    public LeaseService(DataSource dataSource, RegistryConfig config, PortPool pool, LeaseRules rules,
            LeaseMetrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.config = config;
        this.pool = pool;
        this.rules = rules;
        this.store = new LeaseStore(config.leaseTtl(), config.resumeGrace());
        this.batcher = new LeaseBatcher(dataSource, store, pool.first(), pool.last(), new LeaseBatcher.Settings(
                config.batch().max(), config.batch().workers(), config.batch().queueMax()), metrics).start();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        batcher.close();
    }

    /**
     * {@link #acquire} through the group commit ({@link LeaseBatcher}): the same rules and answers, committed in one
     * transaction with whatever other lease changes were queued. For callers with no transaction of their own
     * (gRPC); a bad request fails the future at once with its specific error, before anything is queued.
     */
    public CompletableFuture<Grant> acquireBatched(AcquireCommand command) {
        try {
            rules.acquire(command);
        } catch (LeaseFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        return batcher.acquire(command);
    }

    /** {@link #release} through the group commit, as {@link #acquireBatched}. */
    public CompletableFuture<Boolean> releaseBatched(ReleaseCommand command) {
        try {
            releaseRules(command.accountId(), command.port(), command.epoch(), command.gatewayId());
        } catch (LeaseFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        return batcher.release(command);
    }

    /**
     * Grants the port asked for, or the lowest free one for port 0, through a live gateway. One statement in its
     * own transaction (autocommit): no transaction manager and one round trip to PostgreSQL per acquisition.
     * Grants and releases are counted ({@link LeaseMetrics}) and logged at DEBUG only: at hundreds per second a
     * line each cost more than the rest of the call in the service; the lease_event table keeps every change.
     */
    public Grant acquire(AcquireCommand command) {
        rules.acquire(command);
        try (Connection c = dataSource.getConnection()) {
            Grant grant = store.acquire(c, command, pool.first(), pool.last());
            metrics.granted(grant.resumed());
            if (LOG.isDebugEnabled()) {
                LOG.debugf("lease granted: account=%s port=%d epoch=%d tunnel=%s gateway=%s resumed=%s",
                        command.accountId(), grant.lease().port(), grant.lease().epoch(), grant.lease().tunnelId(),
                        command.gatewayId(), grant.resumed());
            }
            return grant;
        } catch (SQLException e) {
            throw failure("acquiring a lease", e);
        }
    }

    /**
     * Extends a live lease presented with its current epoch; returns the new expiry (null: held until released).
     * One statement, committed asynchronously ({@code synchronous_commit = off} for this transaction only): a
     * heartbeat is repeated every few seconds, and if PostgreSQL crashed right after answering, the worst case is
     * that the lease keeps its previous expiry, which the fencing epoch already covers (the gateway's next renew
     * is refused with LEASE_LOST). Waiting for a WAL flush per heartbeat was most of a renew's time.
     * Acquisitions and releases stay synchronous.
     */
    public Instant renew(RenewCommand command) {
        rules.renew(command);
        String sql = "WITH renewed AS (UPDATE lease SET expires_at = CASE WHEN isfinite(expires_at)"
                + " THEN now() + make_interval(secs => ?) ELSE expires_at END WHERE account_id = ? AND port = ?"
                + " AND epoch = ? AND gateway_id = ? AND state = 'LIVE' AND expires_at >= now()"
                + " RETURNING tunnel_id, expires_at), touched AS (UPDATE tunnel t SET last_heartbeat = now(),"
                + " bytes_in = COALESCE(?::bigint, t.bytes_in), bytes_out = COALESCE(?::bigint, t.bytes_out)"
                + " FROM renewed WHERE t.tunnel_id = renewed.tunnel_id),"
                + " async AS (SELECT set_config('synchronous_commit', 'off', true))"
                + " SELECT expires_at FROM renewed, async";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setDouble(1, seconds(config.leaseTtl()));
            s.setString(2, command.accountId());
            s.setInt(3, command.port());
            s.setLong(4, command.epoch());
            s.setString(5, command.gatewayId());
            setLong(s, 6, command.bytesIn());
            setLong(s, 7, command.bytesOut());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return instant(rs, "expires_at");
                }
            }
            throw LeaseLoss.why(c, command.accountId(), command.port(), command.epoch(), command.gatewayId(), true);
        } catch (SQLException e) {
            throw failure("renewing a lease", e);
        }
    }

    /**
     * Ends a lease presented with its current epoch; false when there was nothing live to release. The lease, its
     * RELEASED event and its tunnel change in one statement (autocommit, one round trip).
     */
    public boolean release(String accountId, int port, long epoch, String gatewayId) {
        releaseRules(accountId, port, epoch, gatewayId);
        String sql = "WITH released AS (UPDATE lease SET state = 'RELEASED', ended_at = now() WHERE account_id = ?"
                + " AND port = ? AND epoch = ? AND gateway_id = ? AND state = 'LIVE' RETURNING *),"
                + " event AS (INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,"
                + " acquired_at, expires_at) SELECT 'RELEASED', account_id, port, epoch, tunnel_id, api_key_id,"
                + " gateway_id, acquired_at, expires_at FROM released), off AS (UPDATE tunnel t SET status ="
                + " 'DISCONNECTED', disconnected_since = now() FROM released WHERE t.tunnel_id = released.tunnel_id"
                + " AND t.status = 'CONNECTED') SELECT count(*) FROM released";
        try (Connection c = dataSource.getConnection()) {
            int released;
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, accountId);
                s.setInt(2, port);
                s.setLong(3, epoch);
                s.setString(4, gatewayId);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    released = rs.getInt(1);
                }
            }
            if (released == 1) {
                metrics.released();
                LOG.debugf("lease released: account=%s port=%d epoch=%d gateway=%s", accountId, port, epoch, gatewayId);
                return true;
            }
            LeaseFailure stale = LeaseLoss.why(c, accountId, port, epoch, gatewayId, false);
            if (stale != null) {
                throw stale;
            }
            return false;
        } catch (SQLException e) {
            throw failure("releasing a lease", e);
        }
    }

    /**
     * Frees a port at once, whoever holds it (REST, by people): a live lease ends with FORCE_RELEASED (its gateway
     * learns it through WatchLeaseEvents), and a reservation for a reconnecting key is dropped. False when the
     * port was free already.
     */
    @Transactional(dontRollbackOn = LeaseFailure.class)
    public boolean forceRelease(String accountId, int port) {
        rules.account(accountId);
        rules.port(port, false);
        try (Connection c = dataSource.getConnection()) {
            String state;
            try (PreparedStatement s = c.prepareStatement("SELECT state FROM lease l WHERE account_id = ? AND port = ?"
                    + " AND state IN ('LIVE', 'EXPIRED') AND expires_at >= now() - make_interval(secs => ?)"
                    + " FOR UPDATE")) {
                s.setString(1, accountId);
                s.setInt(2, port);
                s.setDouble(3, seconds(config.resumeGrace()));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    state = rs.getString(1);
                }
            }
            if (state.equals("LIVE")) {
                LeaseStore.event(c, "FORCE_RELEASED", accountId, port);
                disconnectTunnel(c, accountId, port);
            }
            LeaseStore.update(c, "UPDATE lease SET state = 'FORCE_RELEASED', ended_at = COALESCE(ended_at, now())"
                    + " WHERE account_id = ? AND port = ?", accountId, port);
            LOG.infof("lease force-released: account=%s port=%d", accountId, port);
            return true;
        } catch (SQLException e) {
            throw failure("force-releasing a lease", e);
        }
    }

    /** Whether this epoch is the live lease of (account, port) now. */
    public boolean isLive(String accountId, int port, long epoch) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT 1 FROM lease"
                + " WHERE account_id = ? AND port = ? AND epoch = ? AND state = 'LIVE' AND expires_at >= now()")) {
            s.setString(1, accountId);
            s.setInt(2, port);
            s.setLong(3, epoch);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failure("checking a lease", e);
        }
    }

    /**
     * Marks live leases past their expiry as EXPIRED, with their events and tunnels, in one statement per batch.
     * Rows another replica is sweeping (or acquiring) right now are skipped, never waited for.
     */
    @Transactional
    public int sweep() {
        String sql = "WITH due AS (SELECT account_id, port FROM lease WHERE state = 'LIVE' AND expires_at < now()"
                + " ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED), expired AS (UPDATE lease l"
                + " SET state = 'EXPIRED', ended_at = l.expires_at FROM due WHERE l.account_id = due.account_id"
                + " AND l.port = due.port RETURNING l.*), tunnels AS (UPDATE tunnel t SET status = 'DISCONNECTED',"
                + " disconnected_since = expired.expires_at FROM expired WHERE t.tunnel_id = expired.tunnel_id"
                + " AND t.status = 'CONNECTED') INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id,"
                + " api_key_id, gateway_id, acquired_at, expires_at) SELECT 'EXPIRED', account_id, port, epoch,"
                + " tunnel_id, api_key_id, gateway_id, acquired_at, expires_at FROM expired";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(1, SWEEP_BATCH);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failure("sweeping expired leases", e);
        }
    }

    private void releaseRules(String accountId, int port, long epoch, String gatewayId) {
        rules.account(accountId);
        rules.port(port, false);
        rules.epoch(epoch);
        rules.gateway(gatewayId);
    }

    private static void disconnectTunnel(Connection c, String accountId, int port) throws SQLException {
        LeaseStore.update(c, "UPDATE tunnel t SET status = 'DISCONNECTED', disconnected_since = now() FROM lease l"
                + " WHERE l.account_id = ? AND l.port = ? AND t.tunnel_id = l.tunnel_id AND t.status = 'CONNECTED'",
                accountId, port);
    }

    private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value);
        }
    }
}
