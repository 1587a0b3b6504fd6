package io.secureconnect.registry.lease;

import static io.secureconnect.registry.db.Jdbc.instant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/** Explains a renew or release that did not match the current live lease, from the row as it is now. */
final class LeaseLoss {

    private LeaseLoss() {
    }

    /**
     * Why a lease presented with {@code epoch} is not the current live one: NOT_FOUND when the port was never
     * leased (renew only), LEASE_LOST when another epoch holds it or it went through another gateway, and for a
     * renew also when it ended. Null for a release of this very epoch that ended already, or that this gateway
     * released before the port was granted again (a repeated release: nothing to do).
     */
    static LeaseFailure why(Connection c, String accountId, int port, long epoch, String gatewayId,
            boolean renewing) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT epoch, gateway_id, state, expires_at,"
                + " ended_at FROM lease WHERE account_id = ? AND port = ?")) {
            s.setString(1, accountId);
            s.setInt(2, port);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return renewing ? new LeaseFailure(LeaseFailure.Kind.NOT_FOUND, "LEASE_NOT_FOUND", "port " + port
                            + " of account " + accountId + " was never leased; acquire it first",
                            Map.of("port", String.valueOf(port))) : null;
                }
                Map<String, String> facts = Map.of("port", String.valueOf(port), "epoch", String.valueOf(epoch));
                String lease = "the lease of port " + port + " of account " + accountId + " at epoch " + epoch;
                if (rs.getLong("epoch") != epoch) {
                    if (!renewing && releasedBefore(c, accountId, port, epoch, gatewayId)) {
                        return null; // a repeated release (e.g. retried on another replica), not a lost lease
                    }
                    return lost(lease + " is not current: the port was granted again since; stop serving it", facts);
                }
                if (!rs.getString("gateway_id").equals(gatewayId)) {
                    return lost(lease + " is held through another gateway, not " + gatewayId, facts);
                }
                if (!renewing) {
                    return null;
                }
                String state = rs.getString("state");
                return lost(lease + (state.equals("LIVE") || state.equals("EXPIRED")
                        ? " expired at " + instant(rs, "expires_at")
                        : " was " + state.toLowerCase().replace('_', '-') + " at " + instant(rs, "ended_at"))
                        + "; acquire the port again", facts);
            }
        }
    }

    /** Whether this gateway released this epoch itself (its RELEASED event), however the port went on since. */
    private static boolean releasedBefore(Connection c, String accountId, int port, long epoch, String gatewayId)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM lease_event WHERE epoch = ?"
                + " AND type <> 'ACQUIRED' AND type = 'RELEASED' AND account_id = ? AND port = ? AND gateway_id = ?")) {
            s.setLong(1, epoch);
            s.setString(2, accountId);
            s.setInt(3, port);
            s.setString(4, gatewayId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static LeaseFailure lost(String message, Map<String, String> facts) {
        return new LeaseFailure(LeaseFailure.Kind.LOST, "LEASE_LOST", message, facts);
    }

}
