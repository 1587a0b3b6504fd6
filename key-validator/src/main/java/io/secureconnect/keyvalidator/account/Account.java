package io.secureconnect.keyvalidator.account;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant. API keys and role bindings name theirs by identifier. */
@Entity
@Table(name = "account")
public class Account extends PanacheEntityBase {

    public static final String PRIMARY_KEY = "account_pkey";

    @Id
    public String identifier;

    @Column(nullable = false)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
