package io.secureconnect.keyvalidator.validation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.secureconnect.keyvalidator.apikey.ApiKeyType;
import io.secureconnect.keyvalidator.role.Condition;
import io.secureconnect.keyvalidator.scope.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a token and its parent's grants for validation: plain JDBC on the hot path (two indexed queries on
 * one connection), no ORM session needed on the gRPC worker threads.
 */
@ApplicationScoped
public class TokenStore {

    private static final TypeReference<List<Condition>> CONDITIONS = new TypeReference<>() {
    };

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    public Optional<TokenRecord> find(String tokenId) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT t.secret_hash, k.key_type, k.account_id, k.org_id, k.project_id, k.identifier, k.parent_id,"
                            + " t.valid_from, t.valid_to, t.scheduled_expire_time, t.revoked_at IS NOT NULL"
                            + " FROM token t JOIN api_key k ON k.id = t.api_key_id WHERE t.id = ?")) {
                query.setString(1, tokenId);
                try (ResultSet row = query.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    ApiKeyType type = ApiKeyType.valueOf(row.getString(2));
                    Scope scope = new Scope(row.getString(3), row.getString(4), row.getString(5));
                    String parent = row.getString(7);
                    List<Grant> grants = grants(connection, scope.accountId(), type.name(), parent);
                    return Optional.of(new TokenRecord(tokenId, row.getBytes(1), type, scope, row.getString(6), parent,
                            instant(row.getTimestamp(8)), instant(row.getTimestamp(9)), instant(row.getTimestamp(10)),
                            row.getBoolean(11), grants));
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException(e);
        }
    }

    private List<Grant> grants(Connection connection, String accountId, String principalType, String principalId)
            throws SQLException {
        Map<Long, Grant> grants = new LinkedHashMap<>();
        Map<Long, Set<String>> permissions = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT b.id, b.org_id, b.project_id, b.include_all_resources, b.conditions::text, p.permission_identifier"
                        + " FROM role_binding b JOIN role_permission p ON p.role_identifier = b.role_identifier"
                        + " WHERE b.account_id = ? AND b.principal_type = ? AND b.principal_id = ? ORDER BY b.id")) {
            query.setString(1, accountId);
            query.setString(2, principalType);
            query.setString(3, principalId);
            try (ResultSet row = query.executeQuery()) {
                while (row.next()) {
                    long id = row.getLong(1);
                    if (!grants.containsKey(id)) {
                        grants.put(id, new Grant(new Scope(accountId, row.getString(2), row.getString(3)), Set.of(),
                                row.getBoolean(4), conditions(row.getString(5))));
                        permissions.put(id, new HashSet<>());
                    }
                    permissions.get(id).add(row.getString(6));
                }
            }
        }
        List<Grant> result = new ArrayList<>();
        grants.forEach((id, grant) -> result.add(new Grant(grant.scope(), permissions.get(id),
                grant.includeAllResources(), grant.conditions())));
        return List.copyOf(result);
    }

    private List<Condition> conditions(String text) {
        try {
            return json.readValue(text, CONDITIONS);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable role binding conditions", e);
        }
    }

    private static java.time.Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** The database did not answer: validation fails closed. */
    public static class StoreUnavailableException extends RuntimeException {
        StoreUnavailableException(SQLException cause) {
            super("the key database did not answer: " + cause.getMessage(), cause, false, false);
        }
    }
}
