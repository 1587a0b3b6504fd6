package io.secureconnect.policy.oidc;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of oidc_signing_key. The private key is only ever here sealed; never on the wire, never logged. */
@Entity
@Table(name = "oidc_signing_key")
public class SigningKey extends PanacheEntityBase {

    @Id
    public String kid;

    @Column(nullable = false, updatable = false)
    public String algorithm;

    /** X.509 SubjectPublicKeyInfo (DER). */
    @Column(name = "public_key", nullable = false, updatable = false)
    public byte[] publicKey;

    /** PKCS#8 DER sealed by {@link KeyCipher}. */
    @Column(name = "private_key_sealed", nullable = false, updatable = false)
    public byte[] privateKeySealed;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "retired_at")
    public Instant retiredAt;

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", createdAt=" + createdAt + ", retiredAt=" + retiredAt + "]";
    }
}
