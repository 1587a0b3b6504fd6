package io.secureconnect.keyvalidator.role;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.secureconnect.keyvalidator.scope.Scope;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Gives a principal a role over a resource group (ABAC All or attribute conditions) at a scope. */
@Entity
@Table(name = "role_binding")
public class RoleBinding extends PanacheEntityBase {

    public static final String IDENTIFIER_UNIQUE = "role_binding_identifier_unique";

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

    @Column(name = "role_identifier", nullable = false)
    public String roleIdentifier;

    @Enumerated(EnumType.STRING)
    @Column(name = "principal_type", nullable = false)
    public PrincipalType principalType;

    @Column(name = "principal_id", nullable = false)
    public String principalId;

    @Column(name = "include_all_resources", nullable = false)
    public boolean includeAllResources;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public List<Condition> conditions;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public static Optional<RoleBinding> findInScope(Scope scope, String identifier) {
        return find("accountId = ?1 and orgId = ?2 and projectId = ?3 and identifier = ?4",
                scope.accountId(), scope.orgId(), scope.projectId(), identifier).firstResultOptional();
    }
}
