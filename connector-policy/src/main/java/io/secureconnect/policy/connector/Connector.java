package io.secureconnect.policy.connector;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.MapKeyColumn;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.hibernate.annotations.BatchSize;

/** A connector row. Never on the wire: {@link ConnectorView} is. An absent org or project is ''. */
@Entity
@Table(name = "connector")
public class Connector extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "account_id", nullable = false, updatable = false)
    public String accountId;

    @Column(name = "org_id", nullable = false, updatable = false)
    public String orgId;

    @Column(name = "project_id", nullable = false, updatable = false)
    public String projectId;

    @Column(nullable = false, updatable = false)
    public String identifier;

    @Column(nullable = false)
    public String name;

    public String description;

    /** The wire name of a {@link ConnectorType}, e.g. "GitHub". */
    @Column(nullable = false)
    public String type;

    public String url;

    public String region;

    @Column(name = "gcp_project")
    public String gcpProject;

    @Column(name = "oidc_role_arn")
    public String oidcRoleArn;

    @Column(name = "oidc_region")
    public String oidcRegion;

    @Column(name = "oidc_workload_pool_id")
    public String oidcWorkloadPoolId;

    @Column(name = "oidc_provider_id")
    public String oidcProviderId;

    @Column(name = "oidc_service_account_email")
    public String oidcServiceAccountEmail;

    @Column(name = "oidc_project_number")
    public String oidcProjectNumber;

    @Column(name = "connection_mode", nullable = false)
    public String connectionMode;

    @Column(name = "secure_connect_enabled", nullable = false)
    public boolean secureConnectEnabled;

    @Column(name = "tunnel_port")
    public Integer tunnelPort;

    @ElementCollection
    @CollectionTable(name = "connector_tag", joinColumns = @JoinColumn(name = "connector_id"))
    @MapKeyColumn(name = "tag_key")
    @Column(name = "tag_value", nullable = false)
    @BatchSize(size = 100)
    public Map<String, String> tags = new TreeMap<>();

    /** Optimistic concurrency: the ETag of a connector; every change (tags too) increments it. */
    @Version
    @Column(nullable = false)
    public long version;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @PrePersist
    void stampCreation() {
        createdAt = Instant.now();
        updatedAt = createdAt;
    }

    @PreUpdate
    void stampUpdate() {
        updatedAt = Instant.now();
    }

    public ConnectorType connectorType() {
        return ConnectorType.fromWire(type)
                .orElseThrow(() -> new IllegalStateException("connector " + id + " has an unknown type"));
    }

    /** The connector's OIDC settings (Aws or Gcp), or empty when it has none. */
    public java.util.Optional<ConnectorOidc> oidc() {
        return java.util.Optional.ofNullable(ConnectorOidc.of(this));
    }

    public boolean usesTunnel() {
        return secureConnectEnabled && ConnectionMode.PLATFORM.name().equals(connectionMode);
    }
}
