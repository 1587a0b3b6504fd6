package io.secureconnect.agent.data;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.secureconnect.agent.config.HostPort;
import io.secureconnect.proto.tunnel.v1.DataPool;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Data connections opened ahead of demand and parked at the gateway (the DataPool of its Welcome), so that a dial
 * takes one whose TCP and TLS handshakes are done. One pool per control stream, closed with it. It keeps up to
 * {@link #MAX_SIZE} connections parked: one taken, closed by the gateway or retired before the gateway's idle limit
 * is replaced. Failing to open one backs off (100 ms doubling to 10 s); dials then open their own, as without a pool.
 */
public final class DataConnectionPool {

    private static final Logger LOG = Logger.getLogger(DataConnectionPool.class);
    static final int MAX_SIZE = 4;
    static final long MIN_RETRY_MILLIS = 100;
    static final long MAX_RETRY_MILLIS = 10_000;

    private final GatewayDataConnector connector;
    private final DataPlane plane;
    private final Executor blocking;
    private final HostPort endpoint;
    private final byte[] parkingPreamble;
    private final int size;
    private final long retireMillis;
    private final Deque<Channel> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger opening = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile long retryAtNanos;
    private volatile boolean closed;

    /**
     * @param blocking where the gateway's name is resolved (never on an event loop)
     */
    public DataConnectionPool(GatewayDataConnector connector, DataPlane plane, Executor blocking, String tunnelId,
                              HostPort endpoint, DataPool terms) {
        this.connector = connector;
        this.plane = plane;
        this.blocking = blocking;
        this.endpoint = endpoint;
        this.parkingPreamble = DataPreamble.newBuilder().setTunnelId(tunnelId).setConnectionId(terms.getPoolId())
                .setTicket(terms.getTicket()).setPark(true).build().toByteArray();
        this.size = Math.min(MAX_SIZE, terms.getMaxParked());
        long idleMillis = terms.getMaxIdle().getSeconds() * 1000 + terms.getMaxIdle().getNanos() / 1_000_000;
        // Retire well before the gateway's limit, so the gateway never closes one as it is being taken.
        this.retireMillis = Math.max(1000, idleMillis * 3 / 4);
    }

    public void start() {
        refill(null);
    }

    /**
     * A parked connection for a dial, or null when none is waiting (open one then). It is still parked at the
     * gateway: call {@link #claim} on its event loop, then write its assigning preamble.
     */
    public Channel take() {
        EventLoop here = plane.currentLoop();
        Channel channel = here == null ? null : takeOn(here);
        while (channel == null && (channel = idle.pollFirst()) != null) {
            if (!channel.isActive()) {
                channel = null;
            }
        }
        refill(here);
        return channel;
    }

    /** A parked connection on that loop (so the dial needs no thread hop), or null. */
    private Channel takeOn(EventLoop loop) {
        for (Channel channel : idle) {
            if (channel.eventLoop() == loop && channel.isActive() && idle.remove(channel)) {
                return channel;
            }
        }
        return null;
    }

    /** On the taken channel's event loop: it stops watching for the gateway closing it and reads nothing. */
    public static void claim(Channel channel) {
        channel.config().setAutoRead(false);
        if (channel.pipeline().get(Parked.class) != null) {
            channel.pipeline().remove(Parked.class);
        }
    }

    /** Connections parked and ready now. */
    public int idle() {
        return idle.size();
    }

    /** The control stream ended: the parked connections close (the gateway closes its side too). */
    public void close() {
        closed = true;
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            channel.close();
        }
    }

    /** Opens what the pool lacks; on {@code loop} when given (where dials come from), spread over the loops if not. */
    private void refill(EventLoop loop) {
        while (!closed && System.nanoTime() - retryAtNanos >= 0) {
            int wanted = size - idle.size() - opening.get();
            if (wanted <= 0) {
                return;
            }
            opening.incrementAndGet();
            EventLoop on = loop == null ? plane.nextLoop() : loop;
            blocking.execute(() -> openOne(on));
        }
    }

    private void openOne(EventLoop loop) {
        GatewayDataConnector.Route route;
        try {
            route = connector.route(endpoint);
        } catch (java.net.UnknownHostException e) {
            failed(e);
            return;
        }
        connector.open(loop, route).addListener(opened -> {
            if (!opened.isSuccess()) {
                failed(opened.cause());
                return;
            }
            Channel channel = (Channel) opened.getNow();
            if (closed) {
                opening.decrementAndGet();
                channel.close();
                return;
            }
            ByteBuf head = channel.alloc().buffer(4 + parkingPreamble.length).writeInt(parkingPreamble.length)
                    .writeBytes(parkingPreamble);
            channel.writeAndFlush(head).addListener(written -> {
                if (!written.isSuccess()) {
                    failed(written.cause());
                    channel.close();
                    return;
                }
                failures.set(0);
                channel.pipeline().addLast(new Parked());
                channel.eventLoop().schedule(() -> retire(channel), retireMillis, TimeUnit.MILLISECONDS);
                idle.addLast(channel);
                opening.decrementAndGet();
                channel.config().setAutoRead(true);
                if (closed && idle.remove(channel)) {
                    channel.close();
                }
            });
        });
    }

    private void failed(Throwable cause) {
        int failed = failures.incrementAndGet();
        long delay = Math.min(MAX_RETRY_MILLIS, MIN_RETRY_MILLIS << Math.min(failed - 1, 10));
        retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
        opening.decrementAndGet();
        LOG.debugf("cannot park a data connection at %s (retrying in %d ms): %s", endpoint, delay, cause.toString());
        plane.nextLoop().schedule(() -> refill(null), delay, TimeUnit.MILLISECONDS);
    }

    /** Still parked after most of the gateway's idle allowance: replaced by a fresh one. */
    private void retire(Channel channel) {
        if (idle.remove(channel)) {
            channel.close();
            refill(channel.eventLoop());
        }
    }

    /** Watches a parked connection: the gateway closing it takes it out of the pool; it never sends bytes first. */
    private final class Parked extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ReferenceCountUtil.release(message);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (idle.remove(ctx.channel())) {
                refill(ctx.channel().eventLoop());
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
