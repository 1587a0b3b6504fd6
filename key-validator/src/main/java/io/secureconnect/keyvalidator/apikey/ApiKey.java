package io.secureconnect.keyvalidator.apikey;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** An API key: the holder of tokens, owned by a user or service account (its parent) at a scope. */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {

    public static final String IDENTIFIER_UNIQUE = "api_key_identifier_unique";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "account_id", nullable = false)
    public String accountId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "project_id", nullable = false)
    public String projectId;

    @Column(nullable = false)
    public String identifier;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String description;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> tags;

    @Enumerated(EnumType.STRING)
    @Column(name = "key_type", nullable = false)
    public ApiKeyType keyType;

    @Column(name = "parent_id", nullable = false)
    public String parentId;

    @Column(name = "default_token_lifetime_ms", nullable = false)
    public long defaultTokenLifetimeMs;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public Scope scope() {
        return new Scope(accountId, orgId, projectId);
    }

    public static Optional<ApiKey> findInScope(Scope scope, String identifier) {
        return find("accountId = ?1 and orgId = ?2 and projectId = ?3 and identifier = ?4",
                scope.accountId(), scope.orgId(), scope.projectId(), identifier).firstResultOptional();
    }
}
