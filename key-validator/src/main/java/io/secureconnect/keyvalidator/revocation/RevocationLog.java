package io.secureconnect.keyvalidator.revocation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * Writes revocation events and cache invalidations inside the caller's transaction, so they commit or roll
 * back with the change they announce. Call {@link #lockForWrite()} first in the transaction, before changing
 * any row: the advisory lock serialises writers so that sequence order is commit order (readers poll
 * "sequence > last seen" and must never miss a row that commits late), and taking it first keeps the lock
 * order the same everywhere (no deadlock with the expiry sweep).
 */
@ApplicationScoped
public class RevocationLog {

    /** The pg_advisory_xact_lock key shared by every writer of revocation_event and cache_invalidation. */
    public static final long LOCK_KEY = 0x4B56_5245_564FL;

    @Inject
    EntityManager entityManager;

    public void lockForWrite() {
        entityManager.createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?1)) AS l")
                .setParameter(1, LOCK_KEY).getSingleResult();
    }

    /** A token of the key ({@code accountId}, {@code keyIdentifier}) ended: revoked, expired or its key deleted. */
    public void tokenEnded(String accountId, String keyIdentifier, String tokenId, EndCause cause) {
        entityManager.createNativeQuery("INSERT INTO revocation_event (account_id, api_key_identifier, token_id, cause)"
                        + " VALUES (?1, ?2, ?3, ?4)")
                .setParameter(1, accountId).setParameter(2, keyIdentifier).setParameter(3, tokenId)
                .setParameter(4, cause.name()).executeUpdate();
    }

    /** One KEY_DELETED event for each token of the key (row id {@code keyId}) that is not revoked yet. */
    public void keyDeleted(String accountId, String keyIdentifier, long keyId) {
        entityManager.createNativeQuery("INSERT INTO revocation_event (account_id, api_key_identifier, token_id, cause)"
                        + " SELECT ?1, ?2, t.id, 'KEY_DELETED' FROM token t WHERE t.api_key_id = ?3"
                        + " AND t.revoked_at IS NULL ORDER BY t.id")
                .setParameter(1, accountId).setParameter(2, keyIdentifier).setParameter(3, keyId)
                .executeUpdate();
    }

    /** The token changed in a way cached copies must see (e.g. a rotation cut-off). */
    public void tokenChanged(String accountId, String tokenId) {
        entityManager.createNativeQuery("INSERT INTO cache_invalidation (account_id, token_id) VALUES (?1, ?2)")
                .setParameter(1, accountId).setParameter(2, tokenId).executeUpdate();
    }

    /** The grants of a principal changed: cached grants of every key it is the parent of are stale. */
    public void principalChanged(String accountId, String principalType, String principalId) {
        entityManager.createNativeQuery("INSERT INTO cache_invalidation (account_id, principal_type, principal_id)"
                        + " VALUES (?1, ?2, ?3)")
                .setParameter(1, accountId).setParameter(2, principalType).setParameter(3, principalId)
                .executeUpdate();
    }
}
