package io.secureconnect.policy.connector;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The connectors a build names, read for ResolveBuildNetwork in one SQL statement with a fixed text (so the driver
 * keeps it prepared on each pooled connection): no entity loading, no persistence context, no transaction beyond
 * the statement. Runs once per resolution, so it stays off Hibernate's per-query costs.
 */
@ApplicationScoped
public class BuildConnectors {

    static final String SQL = "SELECT c.id, c.account_id, c.org_id, c.project_id, c.identifier, c.type, c.url,"
            + " c.region, c.gcp_project, c.oidc_role_arn, c.oidc_region, c.oidc_workload_pool_id, c.oidc_provider_id,"
            + " c.oidc_service_account_email, c.oidc_project_number, c.connection_mode, c.secure_connect_enabled,"
            + " c.tunnel_port"
            + " FROM unnest(?::varchar[], ?::varchar[], ?::varchar[]) AS k(org_id, project_id, identifier)"
            + " JOIN connector c ON c.account_id = ? AND c.org_id = k.org_id AND c.project_id = k.project_id"
            + " AND c.identifier = k.identifier";

    @Inject
    AgroalDataSource dataSource;

    /**
     * The connectors of one account named by the keys; keys that name nothing are simply absent. The results are
     * detached, read-only copies holding what routing needs (scope, type, endpoint, OIDC, connection mode, Secure
     * Connect setting); their name, description, tags and version are not read.
     */
    public List<Connector> find(String accountId, Collection<ConnectorKey> named) {
        if (named.isEmpty()) {
            return List.of();
        }
        List<ConnectorKey> keys = List.copyOf(new LinkedHashSet<>(named)); // a key named twice gives one row
        String[] orgs = new String[keys.size()];
        String[] projects = new String[keys.size()];
        String[] identifiers = new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            orgs[i] = keys.get(i).orgId();
            projects[i] = keys.get(i).projectId();
            identifiers[i] = keys.get(i).identifier();
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setArray(1, connection.createArrayOf("varchar", orgs));
            statement.setArray(2, connection.createArrayOf("varchar", projects));
            statement.setArray(3, connection.createArrayOf("varchar", identifiers));
            statement.setString(4, accountId);
            List<Connector> found = new ArrayList<>(keys.size());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(connector(rows));
                }
            }
            return found;
        } catch (SQLException e) {
            // The SQL state and message name no secret; the gRPC boundary logs it with an error id and sends neither.
            throw new IllegalStateException("reading a build's connectors failed: " + e.getMessage(), e);
        }
    }

    private static Connector connector(ResultSet rows) throws SQLException {
        Connector connector = new Connector();
        connector.id = rows.getLong("id");
        connector.accountId = rows.getString("account_id");
        connector.orgId = rows.getString("org_id");
        connector.projectId = rows.getString("project_id");
        connector.identifier = rows.getString("identifier");
        connector.type = rows.getString("type");
        connector.url = rows.getString("url");
        connector.region = rows.getString("region");
        connector.gcpProject = rows.getString("gcp_project");
        connector.oidcRoleArn = rows.getString("oidc_role_arn");
        connector.oidcRegion = rows.getString("oidc_region");
        connector.oidcWorkloadPoolId = rows.getString("oidc_workload_pool_id");
        connector.oidcProviderId = rows.getString("oidc_provider_id");
        connector.oidcServiceAccountEmail = rows.getString("oidc_service_account_email");
        connector.oidcProjectNumber = rows.getString("oidc_project_number");
        connector.connectionMode = rows.getString("connection_mode");
        connector.secureConnectEnabled = rows.getBoolean("secure_connect_enabled");
        int port = rows.getInt("tunnel_port");
        connector.tunnelPort = rows.wasNull() ? null : port;
        return connector;
    }
}
