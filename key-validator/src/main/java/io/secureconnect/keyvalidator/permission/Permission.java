package io.secureconnect.keyvalidator.permission;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One identifier of the closed permission list, seeded by migration. */
@Entity
@Table(name = "permission")
public class Permission extends PanacheEntityBase {

    @Id
    public String identifier;

    @Column(name = "resource_type", nullable = false)
    public String resourceType;

    @Column(nullable = false)
    public String description;
}
