package io.secureconnect.keyvalidator.role;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import java.util.Set;

/** A built-in role: a named set of permissions of the closed list (seeded by migration, read-only). */
@Entity
@Table(name = "role")
public class Role extends PanacheEntityBase {

    @Id
    public String identifier;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String description;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "role_permission", joinColumns = @JoinColumn(name = "role_identifier"))
    @Column(name = "permission_identifier")
    public Set<String> permissions;
}
