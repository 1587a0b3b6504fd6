package io.secureconnect.gateway.proxy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of something each key holds open, never more than a cap per key; a key at zero is forgotten, so the map
 * holds only keys with something open. Lock-free: a count is taken with a compare-and-set on the key's counter, and a
 * counter that reached zero is retired (set to -1) before it leaves the map, so nobody counts on a counter no longer in
 * it. Used once per connection or request head, never per byte.
 */
final class BoundedCounts<K> {

    private final int max;
    private final ConcurrentMap<K, AtomicInteger> counts = new ConcurrentHashMap<>();

    BoundedCounts(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Takes one for the key: its counter (to hand back to {@link #release}), or null when the key is at the cap. */
    AtomicInteger acquire(K key) {
        while (true) {
            AtomicInteger count = counts.computeIfAbsent(key, k -> new AtomicInteger());
            int open = count.get();
            if (open < 0) {
                counts.remove(key, count); // retired by a release racing with us; a fresh counter replaces it
            } else if (open >= max) {
                return null;
            } else if (count.compareAndSet(open, open + 1)) {
                return count;
            }
        }
    }

    /** Gives back one taken with {@link #acquire}; call once per acquisition. */
    void release(K key, AtomicInteger count) {
        if (count.decrementAndGet() == 0 && count.compareAndSet(0, -1)) {
            counts.remove(key, count);
        }
    }

    /** How many the key holds now. */
    int open(K key) {
        AtomicInteger count = counts.get(key);
        return count == null ? 0 : Math.max(0, count.get());
    }

    /** How many keys hold something (retired counters on their way out included). */
    int keys() {
        return counts.size();
    }
}
