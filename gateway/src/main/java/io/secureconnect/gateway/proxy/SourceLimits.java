package io.secureconnect.gateway.proxy;

import io.secureconnect.gateway.config.GatewaySettings;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the proxy connections of one source address that are not yet authorized: accepted, their first request head
 * not yet read and allowed. Silent or slow clients cannot then hold more than the cap each, whatever the head
 * deadline. Per address (IPv4 or full IPv6) and per gateway process: abuse damping, not a quota.
 */
@Singleton
public class SourceLimits {

    private final BoundedCounts<InetAddress> unauthenticated;

    @Inject
    public SourceLimits(GatewaySettings settings) {
        this(settings.maxUnauthenticatedPerSource());
    }

    SourceLimits(int maxPerSource) {
        this.unauthenticated = new BoundedCounts<>(maxPerSource);
    }

    int max() {
        return unauthenticated.max();
    }

    /** Counts a new connection against its source: its slot, or null when the source is at the cap. */
    Slot admit(InetSocketAddress remote) {
        InetAddress source = remote.getAddress();
        AtomicInteger count = unauthenticated.acquire(source);
        return count == null ? null : new Slot(source, count);
    }

    /** Connections of this source counted now. */
    int unauthenticated(InetAddress source) {
        return unauthenticated.open(source);
    }

    /** One connection's place in its source's count; released when it is authorized or closes, whichever is first. */
    final class Slot {
        private final InetAddress source;
        private final AtomicInteger count;
        private boolean released;

        private Slot(InetAddress source, AtomicInteger count) {
            this.source = source;
            this.count = count;
        }

        /** Idempotent; called on the connection's event loop. */
        void release() {
            if (!released) {
                released = true;
                unauthenticated.release(source, count);
            }
        }
    }
}
