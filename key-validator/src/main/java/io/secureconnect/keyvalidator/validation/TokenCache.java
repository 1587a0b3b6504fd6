package io.secureconnect.keyvalidator.validation;

import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.revocation.Evictions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokens read from the database, by token id, for {@code cache-ttl}. Correctness across replicas does not
 * rest on it: the revocation poller evicts what the database says changed. A load that raced with an eviction
 * is not kept ({@link #generation()}), so a stale row read just before a revocation committed cannot outlive it.
 */
@ApplicationScoped
public class TokenCache implements Evictions {

    private record Entry(TokenRecord record, long loadedNanos) {
    }

    @Inject
    KeysConfig config;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong evictions = new AtomicLong();

    /** The cached token, or null when absent or older than the TTL. */
    public TokenRecord get(String tokenId) {
        Entry entry = entries.get(tokenId);
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.loadedNanos() >= config.cacheTtl().toNanos()) {
            entries.remove(tokenId, entry);
            return null;
        }
        return entry.record();
    }

    /** Read before loading from the database; pass it to {@link #put}. */
    public long generation() {
        return evictions.get();
    }

    /** Keeps a record loaded when {@link #generation()} was {@code generation}, unless an eviction came since. */
    public void put(TokenRecord record, long generation) {
        if (entries.size() >= config.cacheMaxEntries()) {
            return;
        }
        Entry entry = new Entry(record, System.nanoTime());
        entries.put(record.tokenId(), entry);
        if (evictions.get() != generation) {
            entries.remove(record.tokenId(), entry);
        }
    }

    @Override
    public void evictToken(String tokenId) {
        evictions.incrementAndGet();
        entries.remove(tokenId);
    }

    /** Evicts every token whose key has this parent: its grants changed. */
    @Override
    public void evictPrincipal(String accountId, String principalType, String principalId) {
        evictions.incrementAndGet();
        entries.values().removeIf(entry -> entry.record().keyScope().accountId().equals(accountId)
                && entry.record().keyType().name().equals(principalType)
                && entry.record().parentId().equals(principalId));
    }

    public void clear() {
        evictions.incrementAndGet();
        entries.clear();
    }

    public int size() {
        return entries.size();
    }
}
