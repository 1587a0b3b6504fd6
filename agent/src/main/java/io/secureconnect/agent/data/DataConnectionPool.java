package io.secureconnect.agent.data;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.secureconnect.agent.net.HostPort;
import io.secureconnect.datalink.Carrier;
import io.secureconnect.proto.tunnel.v1.DataPool;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * Data connections opened ahead of demand and parked at the gateway (the DataPool of its Welcome). The gateway
 * assigns one to a dial by writing the DialRequest on it: no TCP or TLS handshake and no control-stream hop before the
 * agent dials. One pool per control stream, closed with it. It keeps up to {@link #MAX_SIZE} connections parked: one
 * assigned, closed by the gateway or retired before the gateway's idle limit is replaced. When the gateway reuses
 * connections (DataPool.reusable), an assigned one comes back once its proxied connection ended, so a replacement is
 * opened only when none is left parked or an assigned one closes instead of coming back. Failing to open one backs
 * off (100 ms doubling to 10 s); the gateway then sends dials on the control stream, each getting a new connection.
 */
public final class DataConnectionPool {

    private static final Logger LOG = Logger.getLogger(DataConnectionPool.class);
    static final int MAX_SIZE = 4;
    static final long MIN_RETRY_MILLIS = 100;
    static final long MAX_RETRY_MILLIS = 10_000;
    private static final AttributeKey<ScheduledFuture<?>> RETIRE =
            AttributeKey.valueOf(DataConnectionPool.class, "retire");
    /** Set while a reusable connection carries a dial (it is expected back). */
    private static final AttributeKey<Boolean> TAKEN = AttributeKey.valueOf(DataConnectionPool.class, "taken");

    private final GatewayDataConnector connector;
    private final DataPlane plane;
    private final Executor blocking;
    private final HostPort endpoint;
    private final byte[] parkingPreamble;
    private final int size;
    private final boolean reusable;
    private final long retireMillis;
    private final BiConsumer<DialRequest, Channel> onDial;
    private final Deque<Channel> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger opening = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile long retryAtNanos;
    private volatile boolean closed;

    /**
     * @param blocking where the gateway's name is resolved (never on an event loop)
     * @param onDial   called on the connection's event loop with a DialRequest the gateway wrote on it; the
     *                 connection then belongs to that dial (it reads nothing until spliced)
     */
    public DataConnectionPool(GatewayDataConnector connector, DataPlane plane, Executor blocking, String tunnelId,
                              HostPort endpoint, DataPool terms, BiConsumer<DialRequest, Channel> onDial) {
        this.onDial = onDial;
        this.connector = connector;
        this.plane = plane;
        this.blocking = blocking;
        this.endpoint = endpoint;
        this.parkingPreamble = DataPreamble.newBuilder().setTunnelId(tunnelId).setConnectionId(terms.getPoolId())
                .setTicket(terms.getTicket()).setPark(true).setReusable(terms.getReusable()).build().toByteArray();
        this.reusable = terms.getReusable();
        this.size = Math.min(MAX_SIZE, terms.getMaxParked());
        long idleMillis = terms.getMaxIdle().getSeconds() * 1000 + terms.getMaxIdle().getNanos() / 1_000_000;
        // Retire well before the gateway's limit, so its idle timer never closes one a dial was just written on.
        this.retireMillis = Math.max(1000, idleMillis * 3 / 4);
    }

    public void start() {
        refill(null);
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
                new Parked().install(channel);
                channel.closeFuture().addListener(closedNow -> {
                    // Its retire timer must not keep a closed connection (TLS engine and all) reachable for the rest
                    // of its allowance, as the gateway's idle timer once did (ReusableCarrier).
                    cancelRetire(channel);
                    // Gone while parked, or while carrying a proxied connection it would have come back from.
                    if (idle.remove(channel) || (reusable && channel.attr(TAKEN).getAndSet(null) != null)) {
                        refill(channel.eventLoop());
                    }
                });
                opening.decrementAndGet();
                parkedAgain(channel);
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

    /** Waiting for a dial (first parked, or back after a proxied connection), until retired. */
    private void parkedAgain(Channel channel) {
        channel.attr(RETIRE).set(channel.eventLoop().schedule(() -> retire(channel), retireMillis,
                TimeUnit.MILLISECONDS));
        idle.addLast(channel);
    }

    private static void cancelRetire(Channel channel) {
        ScheduledFuture<?> retire = channel.attr(RETIRE).getAndSet(null);
        if (retire != null) {
            retire.cancel(false);
        }
    }

    /** Still parked after most of the gateway's idle allowance: replaced by a fresh one. */
    private void retire(Channel channel) {
        if (idle.remove(channel)) {
            channel.close();
            refill(channel.eventLoop());
        }
    }

    /**
     * A parked connection, for its whole life: a DialRequest the gateway writes on it (4-byte big-endian length,
     * then the message) hands it to that dial; anything else closes it. Reusable (the gateway's pool offers it): when
     * the proxied connection it carried has ended both ways, it is parked again.
     */
    private final class Parked implements Carrier.Side {
        private Carrier carrier;

        Carrier install(Channel channel) {
            carrier = new Carrier(this);
            channel.pipeline().addLast("carrier", carrier);
            return carrier;
        }

        @Override
        public void message(ChannelHandlerContext ctx, ByteBuf body) {
            DialRequest request;
            try {
                request = DialRequest.parseFrom(body.nioBuffer());
            } catch (InvalidProtocolBufferException e) {
                ctx.close();
                return;
            }
            Channel channel = ctx.channel();
            if (!idle.remove(channel)) {
                ctx.close(); // retired or closing meanwhile
                return;
            }
            cancelRetire(channel);
            channel.config().setAutoRead(false);
            if (!reusable) {
                carrier.singleUse();
            }
            channel.attr(TAKEN).set(Boolean.TRUE);
            onDial.accept(request, channel);
            if (!reusable || idle.isEmpty()) {
                // The replacement is opened once this dial has started (its connect is under way), not before it.
                // A reusable one comes back when its proxied connection ends (else its close opens one): only an
                // empty pool needs one now, for the next concurrent dial.
                EventLoop loop = channel.eventLoop();
                loop.execute(() -> refill(loop));
            }
        }

        @Override
        public void idle(ChannelHandlerContext ctx) {
            Channel channel = ctx.channel();
            channel.attr(TAKEN).set(null);
            if (closed) {
                ctx.close();
                return;
            }
            if (idle.size() >= size) {
                // A replacement was opened meanwhile: the oldest parked one (nearest its retirement) makes room.
                Channel oldest = idle.pollFirst();
                if (oldest != null) {
                    cancelRetire(oldest);
                    oldest.close();
                }
            }
            parkedAgain(channel);
        }
    }
}
