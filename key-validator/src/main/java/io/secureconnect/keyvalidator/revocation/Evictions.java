package io.secureconnect.keyvalidator.revocation;

/**
 * What the revocation poller drops from the validation cache when a revocation or invalidation row arrives. The
 * cache lives above this package (validation reads revocations, never the other way round).
 */
public interface Evictions {

    /** The token was revoked, expired, deleted or changed: no cached copy of it may be used again. */
    void evictToken(String tokenId);

    /** The principal's grants changed: every cached key it is the parent of is stale. */
    void evictPrincipal(String accountId, String principalType, String principalId);
}
