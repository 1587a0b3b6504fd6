package io.secureconnect.gateway.data;

import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.proto.tunnel.v1.DataPool;
import jakarta.inject.Singleton;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Data connections that agents opened ahead of demand and parked here, waiting for a dial: the gateway assigns one by
 * writing the DialRequest on it (see {@link io.secureconnect.gateway.tunnel.Dialer}). Each agent stream has its own
 * pool, told to the agent in Welcome: a random id, a ticket proving a parking connection comes from that stream, a
 * bound on how many may wait and for how long. A pool and everything parked in it close with its stream.
 */
@Singleton
public class DataPools {

    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final AttributeKey<Pool> PARKED_IN = AttributeKey.valueOf(DataPools.class, "parkedIn");

    private final int maxParked;
    private final Duration maxIdle;
    private final boolean reuse;
    private final GatewayMetrics metrics;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentMap<String, Pool> pools = new ConcurrentHashMap<>();

    public DataPools(GatewaySettings settings, GatewayMetrics metrics) {
        this.maxParked = settings.dataPoolSize();
        this.maxIdle = settings.dataPoolIdleTimeout();
        this.reuse = settings.dataReuse();
        this.metrics = metrics;
        metrics.gauge("secureconnect.gateway.data.parked", "Data connections parked by agents, waiting for a dial",
                this::parked);
    }

    /** Data connections parked now, over every pool. */
    public int parked() {
        return pools.values().stream().mapToInt(Pool::parked).sum();
    }

    /** One agent stream's pool. */
    public static final class Pool {
        private final String id;
        private final String tunnelId;
        private final byte[] ticket;
        private final ChannelGroup parked = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        private volatile boolean closed;

        private Pool(String id, String tunnelId, byte[] ticket) {
            this.id = id;
            this.tunnelId = tunnelId;
            this.ticket = ticket;
        }

        public int parked() {
            return parked.size();
        }
    }

    /** A pool for a newly admitted agent stream of that tunnel; null when parking is off. */
    public Pool open(String tunnelId) {
        if (maxParked == 0) {
            return null;
        }
        byte[] idBytes = new byte[12];
        byte[] ticket = new byte[16];
        random.nextBytes(idBytes);
        random.nextBytes(ticket);
        Pool pool = new Pool(ID_ENCODER.encodeToString(idBytes), tunnelId, ticket);
        pools.put(pool.id, pool);
        return pool;
    }

    /** What Welcome tells the agent about its pool. */
    public DataPool terms(Pool pool) {
        return DataPool.newBuilder().setPoolId(pool.id).setTicket(ByteString.copyFrom(pool.ticket))
                .setMaxParked(maxParked)
                .setReusable(reuse)
                .setMaxIdle(com.google.protobuf.Duration.newBuilder().setSeconds(maxIdle.getSeconds())
                        .setNanos(maxIdle.getNano()))
                .build();
    }

    /** The stream ended: its parked connections close and no more may park. */
    public void close(Pool pool) {
        if (pool == null) {
            return;
        }
        pool.closed = true;
        pools.remove(pool.id, pool);
        pool.parked.close();
    }

    /** How a parking request ended. */
    enum Parking { PARKED, UNKNOWN, FULL }

    /**
     * Parks the channel in the pool with that id when the tunnel and the ticket (compared in constant time) match
     * and the pool has room. A parked channel leaves the pool by {@link #unpark}, by closing, or with its pool.
     */
    Parking park(String tunnelId, String poolId, byte[] ticket, Channel channel) {
        Pool pool = pools.get(poolId);
        if (pool == null || !MessageDigest.isEqual(pool.ticket, ticket) || !pool.tunnelId.equals(tunnelId)) {
            return Parking.UNKNOWN;
        }
        if (pool.parked.size() >= maxParked) {
            return Parking.FULL;
        }
        pool.parked.add(channel);
        if (pool.closed) {
            channel.close(); // the stream ended while this one was parking
        }
        channel.attr(PARKED_IN).set(pool);
        return Parking.PARKED;
    }

    /**
     * A parked channel of the pool to carry a dial, one on that loop if there is one (no thread hop to write the
     * DialRequest, and none to splice it with the client later); null when none is parked.
     */
    public Channel take(Pool pool, EventLoop preferred) {
        if (pool == null) {
            return null;
        }
        Channel fallback = null;
        for (Channel channel : pool.parked) {
            if (channel.isActive() && channel.eventLoop() == preferred && pool.parked.remove(channel)) {
                return taken(channel);
            }
            fallback = fallback == null && channel.isActive() ? channel : fallback;
        }
        if (fallback != null && pool.parked.remove(fallback)) {
            return taken(fallback);
        }
        for (Channel channel : pool.parked) {
            if (channel.isActive() && pool.parked.remove(channel)) {
                return taken(channel);
            }
        }
        return null;
    }

    /** No longer parked: from now on the dial's deadline governs it, not the pool's idle timeout. */
    private static Channel taken(Channel channel) {
        channel.attr(PARKED_IN).set(null);
        return channel;
    }

    /** The agent asked for reuse in its parking preamble, and this gateway offers it. */
    boolean reusable(io.secureconnect.proto.tunnel.v1.DataPreamble parking) {
        return reuse && parking.getReusable();
    }

    /** The pool a channel is parked in (null when it is not parked). */
    static Pool poolOf(Channel channel) {
        return channel.attr(PARKED_IN).get();
    }

    /**
     * A reusable connection whose proxied connection ended goes back to its pool; false (close it) when the pool
     * closed or is full.
     */
    boolean repark(Pool pool, Channel channel) {
        if (pool.closed || pool.parked.size() >= maxParked || !channel.isActive()) {
            return false;
        }
        channel.attr(PARKED_IN).set(pool);
        pool.parked.add(channel);
        if (pool.closed) {
            channel.close();
            return false;
        }
        metrics.dataReused();
        return true;
    }

    /** Still waiting in its pool (not yet taken for a dial). */
    static boolean isParked(Channel channel) {
        return channel.attr(PARKED_IN).get() != null;
    }

    /** The parked channel was assigned to a dial: it no longer counts against its pool. */
    void unpark(Channel channel) {
        Pool pool = channel.attr(PARKED_IN).getAndSet(null);
        if (pool != null) {
            pool.parked.remove(channel);
        }
    }

    Duration maxIdle() {
        return maxIdle;
    }
}
