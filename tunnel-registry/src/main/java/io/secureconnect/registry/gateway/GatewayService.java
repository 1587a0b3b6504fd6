package io.secureconnect.registry.gateway;

import static io.secureconnect.registry.db.Jdbc.failure;
import static io.secureconnect.registry.db.Jdbc.instant;
import static io.secureconnect.registry.db.Jdbc.seconds;

import io.secureconnect.registry.config.RegistryConfig;
import io.secureconnect.registry.lease.LeaseFailure;
import io.secureconnect.registry.lease.LeaseRules;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/** Gateways register and heartbeat; one that stops gets no new leases, and its leases run out. */
@ApplicationScoped
public class GatewayService {

    private static final Logger LOG = Logger.getLogger(GatewayService.class);
    private static final Pattern HOST = Pattern.compile("^([A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\])$");
    private static final Pattern HOST_PORT = Pattern.compile("^(.+):([0-9]{1,5})$");

    @Inject
    DataSource dataSource;

    @Inject
    RegistryConfig config;

    @Inject
    LeaseRules rules;

    /** Registers (or re-registers) a gateway; it is alive for the gateway TTL from now. */
    public void register(String gatewayId, String agentEndpoint, String proxyHost, String version) {
        rules.gateway(gatewayId);
        checkEndpoint(agentEndpoint);
        if (proxyHost == null || proxyHost.isEmpty()) {
            throw LeaseFailure.invalid("INVALID_PROXY_HOST", "gateway.proxy_host", "is required");
        }
        if (!HOST.matcher(proxyHost).matches()) {
            throw LeaseFailure.invalid("INVALID_PROXY_HOST", "gateway.proxy_host",
                    "must be a host name or an IP address (IPv6 in brackets)");
        }
        String shownVersion = version == null ? "" : version;
        if (shownVersion.length() > 64 || shownVersion.chars().anyMatch(Character::isISOControl)) {
            throw LeaseFailure.invalid("INVALID_FIELD", "gateway.version", "must be at most 64 printable characters");
        }
        String sql = "INSERT INTO gateway (gateway_id, agent_endpoint, proxy_host, version, registered_at,"
                + " last_heartbeat, expires_at) VALUES (?, ?, ?, ?, now(), now(), now() + make_interval(secs => ?))"
                + " ON CONFLICT (gateway_id) DO UPDATE SET agent_endpoint = excluded.agent_endpoint,"
                + " proxy_host = excluded.proxy_host, version = excluded.version,"
                + " last_heartbeat = now(), expires_at = excluded.expires_at";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, gatewayId);
            s.setString(2, agentEndpoint);
            s.setString(3, proxyHost);
            s.setString(4, shownVersion);
            s.setDouble(5, seconds(config.gatewayTtl()));
            s.executeUpdate();
            LOG.infof("gateway registered: gateway=%s agentEndpoint=%s proxyHost=%s version=%s", gatewayId,
                    agentEndpoint, proxyHost, shownVersion);
        } catch (SQLException e) {
            throw failure("registering a gateway", e);
        }
    }

    /** Keeps a registered gateway alive; returns its new expiry. */
    public Instant heartbeat(String gatewayId) {
        rules.gateway(gatewayId);
        String sql = "UPDATE gateway SET last_heartbeat = now(), expires_at = now() + make_interval(secs => ?)"
                + " WHERE gateway_id = ? RETURNING expires_at";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setDouble(1, seconds(config.gatewayTtl()));
            s.setString(2, gatewayId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw unknown(gatewayId);
                }
                return instant(rs, "expires_at");
            }
        } catch (SQLException e) {
            throw failure("a gateway heartbeat", e);
        }
    }

    /** Fails with UNKNOWN_GATEWAY unless the gateway registered (it may have stopped heartbeating since). */
    public void requireRegistered(String gatewayId) {
        rules.gateway(gatewayId);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM gateway WHERE gateway_id = ?")) {
            s.setString(1, gatewayId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw unknown(gatewayId);
                }
            }
        } catch (SQLException e) {
            throw failure("looking up a gateway", e);
        }
    }

    public List<GatewayView> list() {
        String sql = "SELECT gateway_id, agent_endpoint, proxy_host, version, registered_at, last_heartbeat,"
                + " expires_at, expires_at >= now() AS live FROM gateway ORDER BY gateway_id";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql);
             ResultSet rs = s.executeQuery()) {
            List<GatewayView> gateways = new ArrayList<>();
            while (rs.next()) {
                gateways.add(new GatewayView(rs.getString("gateway_id"), rs.getString("agent_endpoint"),
                        rs.getString("proxy_host"), rs.getString("version"), instant(rs, "registered_at"),
                        instant(rs, "last_heartbeat"), instant(rs, "expires_at"), rs.getBoolean("live")));
            }
            return gateways;
        } catch (SQLException e) {
            throw failure("listing gateways", e);
        }
    }

    private static void checkEndpoint(String endpoint) {
        if (endpoint == null || endpoint.isEmpty()) {
            throw LeaseFailure.invalid("INVALID_AGENT_ENDPOINT", "gateway.agent_endpoint", "is required");
        }
        var matcher = HOST_PORT.matcher(endpoint);
        boolean valid = matcher.matches() && HOST.matcher(matcher.group(1)).matches()
                && Integer.parseInt(matcher.group(2)) >= 1 && Integer.parseInt(matcher.group(2)) <= 65535;
        if (!valid) {
            throw LeaseFailure.invalid("INVALID_AGENT_ENDPOINT", "gateway.agent_endpoint",
                    "must be host:port with a port from 1 to 65535");
        }
    }

    private static LeaseFailure unknown(String gatewayId) {
        return new LeaseFailure(LeaseFailure.Kind.NOT_FOUND, "UNKNOWN_GATEWAY",
                "gateway " + gatewayId + " is not registered; call RegisterGateway first", Map.of("gateway-id", gatewayId));
    }
}
