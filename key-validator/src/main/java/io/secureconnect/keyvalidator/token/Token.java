package io.secureconnect.keyvalidator.token;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One generation of a token. {@code id} is the tokenId segment of the token string; {@code identifier} is the
 * user's name for it, shared by the generations a rotation creates. Only the HMAC of the secret is stored.
 */
@Entity
@Table(name = "token")
public class Token extends PanacheEntityBase {

    public static final String CURRENT_IDENTIFIER_UNIQUE = "token_current_identifier_unique";

    @Id
    public String id;

    @Column(name = "api_key_id", nullable = false)
    public Long apiKeyId;

    @Column(nullable = false)
    public String identifier;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String description;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> tags;

    @Column(name = "secret_hash", nullable = false)
    public byte[] secretHash;

    @Column(name = "valid_from", nullable = false)
    public Instant validFrom;

    @Column(name = "valid_to", nullable = false)
    public Instant validTo;

    @Column(name = "scheduled_expire_time")
    public Instant scheduledExpireTime;

    @Column(name = "rotated_at")
    public Instant rotatedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** When the token stops working by time: valid-to, or the rotation cut-off when that is earlier. */
    public Instant endsAt() {
        return scheduledExpireTime != null && scheduledExpireTime.isBefore(validTo) ? scheduledExpireTime : validTo;
    }

    public static Optional<Token> current(Long apiKeyId, String identifier) {
        return find("apiKeyId = ?1 and identifier = ?2 and rotatedAt is null", apiKeyId, identifier)
                .firstResultOptional();
    }

    /** Every generation of the token, the current one included. */
    public static List<Token> generations(Long apiKeyId, String identifier) {
        return list("apiKeyId = ?1 and identifier = ?2", apiKeyId, identifier);
    }
}
