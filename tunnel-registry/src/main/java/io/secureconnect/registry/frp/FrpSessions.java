package io.secureconnect.registry.frp;

import static io.secureconnect.registry.db.Jdbc.failure;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * frpc logins by (frps instance, run_id), in the database because frps may call any replica. frps assigns a run_id
 * after the Login hook, so a first login is recorded by the first operation that carries its run_id.
 */
@ApplicationScoped
public class FrpSessions {

    /** A logged-in frpc: the account and API key it proved at Login. */
    record Session(String frpsId, String runId, String accountId, String apiKeyId, String hostname, String frpcVersion) {
    }

    @Inject
    DataSource dataSource;

    /**
     * Records a login; false when the run_id belongs to a login of another API key (a run_id is the one frps gave
     * a login, so this is a client posing as another).
     */
    boolean login(String frpsId, String runId, String accountId, String apiKeyId, String hostname, String clientAddress,
            String frpcVersion) {
        String sql = "INSERT INTO frp_session (frps_id, run_id, account_id, api_key_id, hostname, client_address,"
                + " frpc_version) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (frps_id, run_id)"
                + " DO UPDATE SET hostname = excluded.hostname,"
                + " client_address = excluded.client_address, frpc_version = excluded.frpc_version,"
                + " logged_in_at = now(), last_seen = now() WHERE frp_session.account_id = excluded.account_id"
                + " AND frp_session.api_key_id = excluded.api_key_id RETURNING run_id";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, frpsId);
            s.setString(2, runId);
            s.setString(3, accountId);
            s.setString(4, apiKeyId);
            s.setString(5, hostname);
            s.setString(6, clientAddress);
            s.setString(7, frpcVersion);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failure("recording an frp login", e);
        }
    }

    /** The login of a run_id, marking it seen now. */
    Optional<Session> touch(String frpsId, String runId) {
        String sql = "UPDATE frp_session SET last_seen = now() WHERE frps_id = ? AND run_id = ?"
                + " RETURNING frps_id, run_id, account_id, api_key_id, hostname, frpc_version";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, frpsId);
            s.setString(2, runId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Session(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)));
            }
        } catch (SQLException e) {
            throw failure("reading an frp login", e);
        }
    }
}
