package io.secureconnect.keyvalidator.validation;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.secureconnect.keyvalidator.role.Condition;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads tokens with their parents' grants for validation: plain JDBC, ONE indexed query per call whatever the
 * number of tokens (token by primary key, its key, the parent's role bindings and each role's permissions as an
 * array), so a cache miss costs one round trip and a batch of misses costs one too.
 */
@ApplicationScoped
public class TokenStore {

    private static final TypeReference<List<Condition>> CONDITIONS = new TypeReference<>() {
    };
    private static final String EMPTY_CONDITIONS = "[]";
    static final String QUERY = "SELECT t.id, t.secret_hash, k.key_type, k.account_id, k.org_id, k.project_id,"
            + " k.identifier, k.parent_id, t.valid_from, t.valid_to, t.scheduled_expire_time, t.revoked_at IS NOT NULL,"
            + " b.id, b.org_id, b.project_id, b.include_all_resources, b.conditions::text,"
            + " ARRAY(SELECT p.permission_identifier FROM role_permission p WHERE p.role_identifier = b.role_identifier)"
            + " FROM token t JOIN api_key k ON k.id = t.api_key_id"
            + " LEFT JOIN role_binding b ON b.account_id = k.account_id AND b.principal_type = k.key_type"
            + " AND b.principal_id = k.parent_id"
            + " WHERE t.id = ANY (?) ORDER BY t.id, b.id";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    public Optional<TokenRecord> find(String tokenId) {
        return Optional.ofNullable(findAll(List.of(tokenId)).get(tokenId));
    }

    /** The tokens of {@code tokenIds} that exist, by id, read in one query. */
    public Map<String, TokenRecord> findAll(Collection<String> tokenIds) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement(QUERY)) {
            Array ids = connection.createArrayOf("varchar", tokenIds.toArray());
            query.setArray(1, ids);
            Map<String, TokenRecord> found = new HashMap<>();
            try (ResultSet row = query.executeQuery()) {
                Rows rows = new Rows();
                while (row.next()) {
                    rows.add(row, found);
                }
                rows.finish(found);
            }
            ids.free();
            return found;
        } catch (SQLException e) {
            throw new StoreUnavailableException(e);
        }
    }

    /** Folds the rows of one token (one per role binding of its parent, or one without) into a record. */
    private final class Rows {

        private String tokenId;
        private TokenRecordBuilder current;

        void add(ResultSet row, Map<String, TokenRecord> found) throws SQLException {
            String id = row.getString(1);
            if (!id.equals(tokenId)) {
                finish(found);
                tokenId = id;
                current = new TokenRecordBuilder(row);
            }
            long bindingId = row.getLong(13);
            if (!row.wasNull()) {
                Scope scope = new Scope(current.scope.accountId(), row.getString(14), row.getString(15));
                Array permissions = row.getArray(18);
                String[] identifiers = (String[]) permissions.getArray();
                permissions.free();
                current.grants.add(new Grant(scope, Set.copyOf(Arrays.asList(identifiers)), row.getBoolean(16),
                        conditions(row.getString(17))));
            }
        }

        void finish(Map<String, TokenRecord> found) {
            if (current != null) {
                found.put(tokenId, current.build(tokenId));
                current = null;
            }
        }
    }

    private static final class TokenRecordBuilder {

        final byte[] secretHash;
        final ApiKeyType type;
        final Scope scope;
        final String apiKeyIdentifier;
        final String parentId;
        final java.time.Instant validFrom;
        final java.time.Instant validTo;
        final java.time.Instant scheduledExpireTime;
        final boolean revoked;
        final List<Grant> grants = new ArrayList<>(2);

        TokenRecordBuilder(ResultSet row) throws SQLException {
            secretHash = row.getBytes(2);
            type = ApiKeyType.valueOf(row.getString(3));
            scope = new Scope(row.getString(4), row.getString(5), row.getString(6));
            apiKeyIdentifier = row.getString(7);
            parentId = row.getString(8);
            validFrom = instant(row.getTimestamp(9));
            validTo = instant(row.getTimestamp(10));
            scheduledExpireTime = instant(row.getTimestamp(11));
            revoked = row.getBoolean(12);
        }

        TokenRecord build(String tokenId) {
            return new TokenRecord(tokenId, secretHash, type, scope, apiKeyIdentifier, parentId, validFrom, validTo,
                    scheduledExpireTime, revoked, List.copyOf(grants));
        }
    }

    private List<Condition> conditions(String text) {
        if (text == null || EMPTY_CONDITIONS.equals(text)) {
            return List.of();
        }
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
