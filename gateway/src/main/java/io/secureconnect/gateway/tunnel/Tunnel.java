package io.secureconnect.gateway.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One account's port on this gateway: the lease held for it and the agents that serve it (all with the same API key).
 * New connections are spread round robin over the agents that accept dials.
 */
public final class Tunnel {

    private final TunnelKey key;
    private final String apiKeyId;
    private final List<AgentLink> agents = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private volatile String tunnelId;
    private volatile long epoch;
    private volatile Instant leaseValidUntil = Instant.MAX;
    private volatile boolean closed;
    private volatile boolean moved;

    Tunnel(TunnelKey key, String apiKeyId) {
        this.key = key;
        this.apiKeyId = apiKeyId;
    }

    public TunnelKey key() {
        return key;
    }

    public String apiKeyId() {
        return apiKeyId;
    }

    public String tunnelId() {
        return tunnelId;
    }

    public long epoch() {
        return epoch;
    }

    public boolean closed() {
        return closed;
    }

    void leased(String tunnelId, long epoch, Instant validUntil) {
        this.tunnelId = tunnelId;
        this.epoch = epoch;
        this.leaseValidUntil = validUntil;
    }

    boolean leased() {
        return tunnelId != null;
    }

    Instant leaseValidUntil() {
        return leaseValidUntil;
    }

    void renewedUntil(Instant validUntil) {
        this.leaseValidUntil = validUntil;
    }

    void markClosed() {
        closed = true;
    }

    /** During a hand-over: another gateway now holds the lease; this one serves only what is sent here still. */
    /** False when it was known already. */
    synchronized boolean markMoved() {
        boolean first = !moved;
        moved = true;
        return first;
    }

    boolean moved() {
        return moved;
    }

    List<AgentLink> agents() {
        return agents;
    }

    public int agentCount() {
        return agents.size();
    }

    /** The next agent that accepts dials, round robin; null when none does. */
    public AgentLink pick() {
        Object[] snapshot = agents.toArray();
        for (int i = 0; i < snapshot.length; i++) {
            AgentLink agent = (AgentLink) snapshot[Math.floorMod(next.getAndIncrement(), snapshot.length)];
            if (agent.acceptsDials()) {
                return agent;
            }
        }
        return null;
    }

    /** Some agent is connected but draining: why {@link #pick} may find none. */
    public boolean draining() {
        return agents.stream().anyMatch(AgentLink::draining);
    }

    /** A proxy client channel of this tunnel; closed with the tunnel. */
    public void track(Channel client) {
        connections.add(client);
    }

    public int openConnections() {
        return connections.size();
    }

    void closeConnections() {
        connections.close();
    }

    public LongAdder bytesIn() {
        return bytesIn;
    }

    public LongAdder bytesOut() {
        return bytesOut;
    }

    @Override
    public String toString() {
        return key + " tunnel=" + tunnelId;
    }
}
