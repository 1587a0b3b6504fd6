package io.secureconnect.registry.lease;

import static io.secureconnect.registry.db.Jdbc.instant;
import static io.secureconnect.registry.db.Jdbc.seconds;
import static io.secureconnect.registry.db.Jdbc.uuid;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Takes one (account, port) inside the caller's transaction: locks its lease row (or inserts it; the primary
 * key lets exactly one concurrent insert win), decides with the database clock whether the port is free, and
 * writes the lease, its tunnel and its events together.
 */
final class LeaseStore {

    /** Blocks a new key: live, or expired less than the grace period ago (reserved for its key). */
    private static final String BLOCKING =
            "l.state IN ('LIVE', 'EXPIRED') AND l.expires_at >= now() - make_interval(secs => ?)";
    private static final String EXPIRY =
            "CASE WHEN ? THEN 'infinity'::timestamptz ELSE now() + make_interval(secs => ?) END";

    private final Duration ttl;
    private final Duration grace;

    LeaseStore(Duration ttl, Duration grace) {
        this.ttl = ttl;
        this.grace = grace;
    }

    /**
     * Acquires {@code port}. When {@code freeOnly}, a port blocked by anyone (even the same key) answers empty;
     * otherwise a port blocked by another key throws PORT_HELD and the same key resumes it.
     */
    Optional<Grant> acquire(Connection c, AcquireCommand command, int port, boolean freeOnly) throws SQLException {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<Grant> inserted = insert(c, command, port);
            if (inserted.isPresent()) {
                return inserted; // nobody ever leased this port: one statement did it all
            }
            Optional<Holder> holder = lock(c, command.accountId(), port);
            if (holder.isEmpty()) {
                continue; // never happens short of a row deleted by hand: insert again
            }
            Holder current = holder.get();
            boolean sameKey = current.apiKeyId.equals(command.apiKeyId());
            if (current.blocking && (freeOnly || !sameKey)) {
                if (freeOnly) {
                    return Optional.empty();
                }
                throw held(command.accountId(), port, current);
            }
            return Optional.of(takeOver(c, command, port, current, current.blocking));
        }
        throw new IllegalStateException("lease row of port " + port + " kept changing");
    }

    /** The lowest port of the pool no lease blocks, that no other "any port" request is trying right now. */
    Optional<Integer> lowestFree(Connection c, String accountId, int first, int last, Integer[] tried)
            throws SQLException {
        String sql = "SELECT port FROM (SELECT p.port FROM generate_series(?, ?) AS p(port)"
                + " WHERE NOT EXISTS (SELECT 1 FROM lease l WHERE l.account_id = ? AND l.port = p.port AND "
                + BLOCKING + ") AND NOT (p.port = ANY (?)) ORDER BY p.port OFFSET 0) free"
                + " WHERE pg_try_advisory_xact_lock(hashtext(?), port) LIMIT 1";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(1, first);
            s.setInt(2, last);
            s.setString(3, accountId);
            s.setDouble(4, seconds(grace));
            s.setArray(5, c.createArrayOf("integer", tried));
            s.setString(6, accountId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    /** Whether any port of the pool is still unblocked (to tell "exhausted" from "all being taken right now"). */
    boolean anyUnblocked(Connection c, String accountId, int first, int last) throws SQLException {
        String sql = "SELECT EXISTS (SELECT 1 FROM generate_series(?, ?) AS p(port) WHERE NOT EXISTS"
                + " (SELECT 1 FROM lease l WHERE l.account_id = ? AND l.port = p.port AND " + BLOCKING + "))";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(1, first);
            s.setInt(2, last);
            s.setString(3, accountId);
            s.setDouble(4, seconds(grace));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** A port this agent of this key holds or held within the grace period, to give back to an "any port" request. */
    Optional<Integer> resumablePort(Connection c, AcquireCommand command, int first, int last) throws SQLException {
        if (command.agentId().isEmpty()) {
            return Optional.empty();
        }
        String sql = "SELECT l.port FROM lease l WHERE l.account_id = ? AND l.api_key_id = ? AND l.agent_id = ?"
                + " AND l.port BETWEEN ? AND ? AND " + BLOCKING + " ORDER BY l.port LIMIT 1";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, command.accountId());
            s.setString(2, command.apiKeyId());
            s.setString(3, command.agentId());
            s.setInt(4, first);
            s.setInt(5, last);
            s.setDouble(6, seconds(grace));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    private Optional<Holder> lock(Connection c, String accountId, int port) throws SQLException {
        String sql = "SELECT l.epoch, l.tunnel_id, l.api_key_id, l.state, l.acquired_at, l.expires_at,"
                + " l.expires_at >= now() AS unexpired, " + BLOCKING + " AS blocking, t.connected_since"
                + " FROM lease l LEFT JOIN tunnel t ON t.tunnel_id = l.tunnel_id"
                + " WHERE l.account_id = ? AND l.port = ? FOR UPDATE OF l";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setDouble(1, seconds(grace));
            s.setString(2, accountId);
            s.setInt(3, port);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Holder(rs.getLong("epoch"), uuid(rs, "tunnel_id"), rs.getString("api_key_id"),
                        rs.getString("state"), rs.getBoolean("unexpired"), rs.getBoolean("blocking"),
                        instant(rs, "connected_since"), instant(rs, "acquired_at"), instant(rs, "expires_at")));
            }
        }
    }

    /**
     * Takes a port nobody ever leased, in one statement: the lease, its tunnel and its ACQUIRED event, or nothing
     * when the row exists (then the caller locks it).
     */
    private Optional<Grant> insert(Connection c, AcquireCommand command, int port) throws SQLException {
        String sql = "WITH l AS (INSERT INTO lease (account_id, port, epoch, tunnel_id, api_key_id, gateway_id,"
                + " agent_id, state, resumed, acquired_at, expires_at) VALUES (?, ?, nextval('lease_epoch_seq'),"
                + " gen_random_uuid(), ?, ?, ?, 'LIVE', false, now(), " + EXPIRY + ")"
                + " ON CONFLICT (account_id, port) DO NOTHING RETURNING *),"
                + " t AS (INSERT INTO tunnel (tunnel_id, account_id, port, api_key_id, gateway_id, agent_id, agent_host,"
                + " agent_version, status, connected_since, last_heartbeat) SELECT tunnel_id, account_id, port,"
                + " api_key_id, gateway_id, agent_id, ?, ?, 'CONNECTED', acquired_at, acquired_at FROM l)"
                + " INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,"
                + " acquired_at, expires_at) SELECT 'ACQUIRED', account_id, port, epoch, tunnel_id, api_key_id,"
                + " gateway_id, acquired_at, expires_at FROM l"
                + " RETURNING account_id, port, epoch, tunnel_id, api_key_id, gateway_id, acquired_at, expires_at";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, command.accountId());
            s.setInt(2, port);
            s.setString(3, command.apiKeyId());
            s.setString(4, command.gatewayId());
            s.setString(5, command.agentId());
            s.setBoolean(6, command.heldUntilReleased());
            s.setDouble(7, seconds(ttl));
            s.setString(8, command.agentHost());
            s.setString(9, command.agentVersion());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Grant(lease(rs), false)) : Optional.empty();
            }
        }
    }

    /**
     * Gives the locked row to this request in one statement: ends the previous epoch if it was still live
     * (SUPERSEDED by its own key, or EXPIRED before the sweeper saw it), disconnects the previous tunnel unless it
     * resumes, writes the new epoch, its tunnel and its ACQUIRED event. Every part of a statement reads the row as
     * it was before the statement, so the end event carries the previous lease.
     */
    private Grant takeOver(Connection c, AcquireCommand command, int port, Holder previous, boolean resumed)
            throws SQLException {
        String endType = !previous.state.equals("LIVE") ? null : previous.unexpired ? "SUPERSEDED" : "EXPIRED";
        String sql = "WITH old AS (SELECT * FROM lease WHERE account_id = ? AND port = ?),"
                + " ended AS (INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,"
                + " acquired_at, expires_at) SELECT ?, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,"
                + " acquired_at, expires_at FROM old WHERE ?::text IS NOT NULL),"
                + " off AS (UPDATE tunnel t SET status = 'DISCONNECTED', disconnected_since = LEAST(now(), old.expires_at)"
                + " FROM old WHERE ? AND t.tunnel_id = old.tunnel_id AND t.status = 'CONNECTED'),"
                + " l AS (UPDATE lease SET epoch = nextval('lease_epoch_seq'), tunnel_id = ?, api_key_id = ?,"
                + " gateway_id = ?, agent_id = ?, state = 'LIVE', resumed = ?, acquired_at = now(), expires_at = "
                + EXPIRY + ", ended_at = NULL WHERE account_id = ? AND port = ? RETURNING *),"
                + " t AS (INSERT INTO tunnel (tunnel_id, account_id, port, api_key_id, gateway_id, agent_id, agent_host,"
                + " agent_version, status, connected_since, last_heartbeat) SELECT tunnel_id, account_id, port,"
                + " api_key_id, gateway_id, agent_id, ?, ?, 'CONNECTED', acquired_at, acquired_at FROM l"
                + " ON CONFLICT (tunnel_id) DO UPDATE SET gateway_id = excluded.gateway_id, agent_id = excluded.agent_id,"
                + " agent_host = excluded.agent_host, agent_version = excluded.agent_version, status = 'CONNECTED',"
                + " disconnected_since = NULL, last_heartbeat = excluded.last_heartbeat)"
                + " INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,"
                + " acquired_at, expires_at) SELECT 'ACQUIRED', account_id, port, epoch, tunnel_id, api_key_id,"
                + " gateway_id, acquired_at, expires_at FROM l"
                + " RETURNING account_id, port, epoch, tunnel_id, api_key_id, gateway_id, acquired_at, expires_at";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 0;
            s.setString(++i, command.accountId());
            s.setInt(++i, port);
            s.setString(++i, endType);
            s.setString(++i, endType);
            s.setBoolean(++i, endType != null && !resumed);
            s.setObject(++i, resumed ? previous.tunnelId : UUID.randomUUID());
            s.setString(++i, command.apiKeyId());
            s.setString(++i, command.gatewayId());
            s.setString(++i, command.agentId());
            s.setBoolean(++i, resumed);
            s.setBoolean(++i, command.heldUntilReleased());
            s.setDouble(++i, seconds(ttl));
            s.setString(++i, command.accountId());
            s.setInt(++i, port);
            s.setString(++i, command.agentHost());
            s.setString(++i, command.agentVersion());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Grant(lease(rs), resumed);
            }
        }
    }

    private static Lease lease(ResultSet rs) throws SQLException {
        return new Lease(rs.getString("account_id"), rs.getInt("port"), uuid(rs, "tunnel_id"),
                rs.getString("api_key_id"), rs.getString("gateway_id"), rs.getLong("epoch"),
                instant(rs, "acquired_at"), instant(rs, "expires_at"));
    }

    /** Records an event of the lease row as it is now (before it changes). */
    static void event(Connection c, String type, String accountId, int port) throws SQLException {
        update(c, "INSERT INTO lease_event (type, account_id, port, epoch, tunnel_id, api_key_id, gateway_id,"
                + " acquired_at, expires_at) SELECT '" + type + "', account_id, port, epoch, tunnel_id, api_key_id,"
                + " gateway_id, acquired_at, expires_at FROM lease WHERE account_id = ? AND port = ?", accountId, port);
    }

    static int update(Connection c, String sql, String accountId, int port) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, accountId);
            s.setInt(2, port);
            return s.executeUpdate();
        }
    }

    private LeaseFailure held(String accountId, int port, Holder holder) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("port", String.valueOf(port));
        facts.put("holder-tunnel", holder.tunnelId.toString());
        Instant since = holder.connectedSince != null ? holder.connectedSince : holder.acquiredAt;
        facts.put("since", since.toString());
        facts.put("expires-at", holder.expiresAt == null ? "never (held until released)" : holder.expiresAt.toString());
        String until = holder.expiresAt == null ? "until it is released"
                : holder.unexpired ? "until " + holder.expiresAt + " unless renewed"
                : "reserved for its API key's reconnection until " + holder.expiresAt.plus(grace);
        return new LeaseFailure(LeaseFailure.Kind.HELD, "PORT_HELD", "port " + port + " of account " + accountId
                + " is held by tunnel " + holder.tunnelId + " of another API key since " + since + ", " + until,
                facts);
    }

    private record Holder(long epoch, UUID tunnelId, String apiKeyId, String state, boolean unexpired,
            boolean blocking, Instant connectedSince, Instant acquiredAt, Instant expiresAt) {
    }
}
