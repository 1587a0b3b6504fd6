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
import java.util.UUID;

/**
 * Takes one (account, port) through {@code lease_acquire} ({@code R__lease_functions.sql}), which locks the lease
 * row (or inserts it; the primary key lets exactly one concurrent insert win), decides with the database clock
 * whether the port is free, and writes the lease, its tunnel and its events in one transaction and one round trip;
 * and translates its answer, or a batch's ({@link LeaseBatchStore}): a grant, or why not.
 */
final class LeaseStore {

    private final Duration ttl;
    private final Duration grace;

    LeaseStore(Duration ttl, Duration grace) {
        this.ttl = ttl;
        this.grace = grace;
    }

    Duration ttl() {
        return ttl;
    }

    Duration grace() {
        return grace;
    }

    /**
     * The whole acquisition in one round trip ({@code lease_acquire}): the gateway check, resumption, the lowest free
     * port for port 0, and the lease, tunnel and events, in the statement's own transaction.
     */
    Grant acquire(Connection c, AcquireCommand command, int first, int last) throws SQLException {
        String sql = "SELECT * FROM lease_acquire(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int i = 0;
            s.setString(++i, command.accountId());
            s.setInt(++i, command.port());
            s.setString(++i, command.apiKeyId());
            s.setString(++i, command.gatewayId());
            s.setString(++i, command.agentId());
            s.setString(++i, command.agentHost());
            s.setString(++i, command.agentVersion());
            s.setBoolean(++i, command.heldUntilReleased());
            s.setDouble(++i, seconds(ttl));
            s.setDouble(++i, seconds(grace));
            s.setInt(++i, first);
            s.setInt(++i, last);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return answer(rs, command, first, last);
            }
        }
    }

    /**
     * The grant in the current row of a {@code lease_acquisition} (columns by name), or the refusal it names, thrown
     * as a {@link LeaseFailure}. BUSY (a batch's port-0 request whose free ports were all being claimed) is not an
     * answer for the caller: {@link LeaseBatchStore} makes it a {@link BatchAnswer.Busy}, which the batch repeats
     * alone ({@link #acquire}).
     */
    Grant answer(ResultSet rs, AcquireCommand command, int first, int last) throws SQLException {
        String outcome = rs.getString("outcome");
        switch (outcome) {
            case "GRANTED":
                return new Grant(lease(rs), rs.getBoolean("resumed"));
            case "HELD":
                throw held(command.accountId(), rs.getInt("port"), new Holder(uuid(rs, "holder_tunnel_id"),
                        instant(rs, "holder_since"), instant(rs, "holder_expires_at"),
                        rs.getBoolean("holder_unexpired")));
            case "UNKNOWN_GATEWAY":
                throw new LeaseFailure(LeaseFailure.Kind.NOT_FOUND, "UNKNOWN_GATEWAY", "gateway "
                        + command.gatewayId() + " is not registered; call RegisterGateway first",
                        Map.of("gateway-id", command.gatewayId()));
            case "GATEWAY_EXPIRED":
                throw new LeaseFailure(LeaseFailure.Kind.NOT_FOUND, "UNKNOWN_GATEWAY", "gateway "
                        + command.gatewayId() + " stopped heartbeating (expired at "
                        + instant(rs, "expires_at") + "); register it again",
                        Map.of("gateway-id", command.gatewayId()));
            case "EXHAUSTED":
                throw new LeaseFailure(LeaseFailure.Kind.EXHAUSTED, "POOL_EXHAUSTED", "every port from "
                        + first + " to " + last + " of account " + command.accountId() + " is held",
                        Map.of("first", String.valueOf(first), "last", String.valueOf(last)));
            default:
                throw new IllegalStateException("lease_acquire answered " + outcome);
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
        facts.put("since", holder.since.toString());
        facts.put("expires-at", holder.expiresAt == null ? "never (held until released)" : holder.expiresAt.toString());
        String until = holder.expiresAt == null ? "until it is released"
                : holder.unexpired ? "until " + holder.expiresAt + " unless renewed"
                : "reserved for its API key's reconnection until " + holder.expiresAt.plus(grace);
        return new LeaseFailure(LeaseFailure.Kind.HELD, "PORT_HELD", "port " + port + " of account " + accountId
                + " is held by tunnel " + holder.tunnelId + " of another API key since " + holder.since + ", " + until,
                facts);
    }

    private record Holder(UUID tunnelId, Instant since, Instant expiresAt, boolean unexpired) {
    }
}
