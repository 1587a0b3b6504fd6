package io.secureconnect.registry.tunnel;

import static io.secureconnect.registry.db.Jdbc.failure;
import static io.secureconnect.registry.db.Jdbc.instant;
import static io.secureconnect.registry.db.Jdbc.seconds;
import static io.secureconnect.registry.db.Jdbc.uuid;

import io.secureconnect.registry.config.RegistryConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Reads tunnels with their lease and gateway; status comes from the lease and the database clock. */
@ApplicationScoped
public class TunnelQueries {

    private static final String SELECT = "SELECT l.account_id, l.port, l.epoch, l.tunnel_id, l.api_key_id,"
            + " l.gateway_id, l.expires_at AS lease_expires_at,"
            + " (l.state = 'LIVE' AND l.expires_at >= now()) AS connected,"
            + " t.agent_host, t.agent_version, t.connected_since, t.last_heartbeat, t.bytes_in, t.bytes_out,"
            + " COALESCE(t.disconnected_since, CASE WHEN l.expires_at < now() THEN l.expires_at END)"
            + " AS disconnected_since, g.agent_endpoint, g.proxy_host, g.version AS gateway_version"
            + " FROM lease l JOIN tunnel t ON t.tunnel_id = l.tunnel_id"
            + " LEFT JOIN gateway g ON g.gateway_id = l.gateway_id WHERE l.account_id = ?";

    @Inject
    DataSource dataSource;

    @Inject
    RegistryConfig config;

    /** The account's tunnels, one per port it ever leased, by port; {@code port} 0 means every port. */
    public List<TunnelRecord> find(String accountId, int port) {
        String sql = SELECT + (port == 0 ? "" : " AND l.port = ?") + " ORDER BY l.port";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, accountId);
            if (port != 0) {
                s.setInt(2, port);
            }
            try (ResultSet rs = s.executeQuery()) {
                List<TunnelRecord> tunnels = new ArrayList<>();
                while (rs.next()) {
                    tunnels.add(record(rs));
                }
                return tunnels;
            }
        } catch (SQLException e) {
            throw failure("reading tunnels", e);
        }
    }

    /** Ports of the pool that a new API key cannot take now: leased, or reserved for a reconnecting key. */
    public List<Integer> usedPorts(String accountId, int first, int last) {
        String sql = "SELECT port FROM lease WHERE account_id = ? AND port BETWEEN ? AND ?"
                + " AND state IN ('LIVE', 'EXPIRED') AND expires_at >= now() - make_interval(secs => ?) ORDER BY port";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, accountId);
            s.setInt(2, first);
            s.setInt(3, last);
            s.setDouble(4, seconds(config.resumeGrace()));
            try (ResultSet rs = s.executeQuery()) {
                List<Integer> ports = new ArrayList<>();
                while (rs.next()) {
                    ports.add(rs.getInt(1));
                }
                return ports;
            }
        } catch (SQLException e) {
            throw failure("reading used ports", e);
        }
    }

    private static TunnelRecord record(ResultSet rs) throws SQLException {
        return new TunnelRecord(uuid(rs, "tunnel_id"), rs.getString("account_id"), rs.getInt("port"),
                rs.getBoolean("connected"), rs.getString("api_key_id"), rs.getLong("epoch"),
                instant(rs, "lease_expires_at"), rs.getString("gateway_id"), rs.getString("agent_endpoint"),
                rs.getString("proxy_host"), rs.getString("gateway_version"), rs.getString("agent_host"),
                rs.getString("agent_version"), instant(rs, "connected_since"), instant(rs, "disconnected_since"),
                instant(rs, "last_heartbeat"), rs.getLong("bytes_in"), rs.getLong("bytes_out"));
    }
}
