package io.secureconnect.policy.tunnel;

import io.secureconnect.policy.config.PolicyConfig;
import io.secureconnect.proto.tunnelregistry.v1.Tunnel;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tunnels ResolveBuildNetwork routes through, with a short memory: tunnel-registry's answer for an account (and
 * chosen port) is reused for at most {@code secureconnect.policy.tunnel-route-ttl} (default 1 s, at most 2 s), and
 * only while it names a tunnel that serves. So a tunnel the registry reports disconnected is reported disconnected
 * here within that bound, on every replica; nothing else invalidates an entry, and no replica depends on another.
 * A miss, a stale entry, or an answer without a serving tunnel always asks the registry (concurrent misses of one
 * account share one call); a failed call is never remembered. Used only for routing builds: REST reads ask the
 * registry each time.
 */
@Singleton
public class TunnelRoutes {

    /** Beyond this many remembered accounts, stale entries are dropped (and all of them if none is stale). */
    static final int MAX_ENTRIES = 10_000;

    /** Asks the registry: every tunnel of the account (port 0) or the one on that port. */
    @FunctionalInterface
    interface Registry {
        List<Tunnel> tunnels(String accountId, int port);
    }

    private record Key(String accountId, int port) {
    }

    private record Entry(List<Tunnel> tunnels, Instant freshUntil) {
    }

    private final Registry registry;
    private final Duration ttl;
    private final InstantSource clock;
    private final Map<Key, Entry> remembered = new ConcurrentHashMap<>();
    private final Map<Key, CompletableFuture<List<Tunnel>>> asking = new ConcurrentHashMap<>();

    @Inject
    TunnelRoutes(TunnelDirectory directory, PolicyConfig config) {
        this(directory::tunnels, config.tunnelRouteTtl(), InstantSource.system());
    }

    TunnelRoutes(Registry registry, Duration ttl, InstantSource clock) {
        this.registry = registry;
        this.ttl = ttl;
        this.clock = clock;
    }

    /**
     * The account's tunnels as {@link TunnelDirectory#tunnels} answers them (on the chosen port, or all), at most
     * the TTL old when one of them serves; fails with {@link TunnelDirectory.RegistryUnavailable}, or
     * {@link TunnelDirectory.PortOutsidePool} for a chosen port outside the registry's pool (never remembered).
     */
    public List<Tunnel> tunnels(String accountId, Optional<Integer> chosenPort) {
        Key key = new Key(accountId, chosenPort.orElse(0));
        Entry entry = remembered.get(key);
        if (entry != null && clock.instant().isBefore(entry.freshUntil())) {
            return entry.tunnels();
        }
        return ask(key, chosenPort);
    }

    private List<Tunnel> ask(Key key, Optional<Integer> chosenPort) {
        CompletableFuture<List<Tunnel>> mine = new CompletableFuture<>();
        CompletableFuture<List<Tunnel>> running = asking.putIfAbsent(key, mine);
        if (running != null) {
            // Another call asked after we arrived or just before: its answer is as fresh as ours would be.
            return await(running);
        }
        try {
            Instant asked = clock.instant();
            List<Tunnel> tunnels = registry.tunnels(key.accountId(), key.port());
            if (!ttl.isZero() && TunnelChoice.serving(tunnels, chosenPort).isPresent()) {
                remember(key, new Entry(List.copyOf(tunnels), asked.plus(ttl)));
            } else {
                remembered.remove(key);
            }
            mine.complete(tunnels);
            return tunnels;
        } catch (RuntimeException e) {
            remembered.remove(key);
            mine.completeExceptionally(e);
            throw e;
        } finally {
            asking.remove(key, mine);
        }
    }

    private void remember(Key key, Entry entry) {
        if (remembered.size() >= MAX_ENTRIES) {
            Instant now = clock.instant();
            remembered.values().removeIf(old -> !now.isBefore(old.freshUntil()));
            if (remembered.size() >= MAX_ENTRIES) {
                remembered.clear();
            }
        }
        remembered.put(key, entry);
    }

    private static List<Tunnel> await(CompletableFuture<List<Tunnel>> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
