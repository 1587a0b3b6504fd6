package io.secureconnect.registry.frp;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;

/** A tunnel port registered through POST /ng/api/tunnel; the credentials only as their SHA-256. */
@Entity
@Table(name = "frp_registration")
@IdClass(FrpRegistration.Key.class)
public class FrpRegistration extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public String accountId;

    @Id
    public int port;

    @Column(name = "api_key_id", nullable = false)
    public String apiKeyId;

    @Column(name = "credentials_sha256", nullable = false)
    public String credentialsSha256;

    @Column(nullable = false)
    public long epoch;

    @Column(name = "registered_at", nullable = false)
    public OffsetDateTime registeredAt;

    static FrpRegistration find(String accountId, int port) {
        return findById(new Key(accountId, port));
    }

    /** The primary key (account_id, port). */
    public static class Key implements Serializable {

        public String accountId;
        public int port;

        public Key() {
        }

        Key(String accountId, int port) {
            this.accountId = accountId;
            this.port = port;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && accountId.equals(key.accountId) && port == key.port;
        }

        @Override
        public int hashCode() {
            return Objects.hash(accountId, port);
        }
    }
}
