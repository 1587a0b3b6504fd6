package io.secureconnect.gateway.data;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.secureconnect.datalink.Carrier;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's side of a reusable data connection once it parked: while parked it waits for the assigning
 * preamble of the dial written on it (see {@link PreambleDecoder#assign}); when the proxied connection it carried
 * has ended both ways it goes back to its agent's pool, or closes when the pool is gone or full. Parked longer than
 * the pool's idle timeout: closed.
 */
final class ReusableCarrier implements Carrier.Side {

    private final DataPools pools;
    private final DataPools.Pool pool;
    private final PreambleDecoder.Assigner assigner;
    private final GatewayMetrics metrics;
    private Carrier carrier;
    private ScheduledFuture<?> idleDeadline;

    ReusableCarrier(DataPools pools, DataPools.Pool pool, PreambleDecoder.Assigner assigner, GatewayMetrics metrics) {
        this.pools = pools;
        this.pool = pool;
        this.assigner = assigner;
        this.metrics = metrics;
    }

    /** The handler to install right after TLS, parked from the start. */
    Carrier install(ChannelHandlerContext ctx) {
        carrier = new Carrier(this);
        armIdleDeadline(ctx);
        // Closed while parked (its agent retired it, its pool closed): the timer must not keep the connection, its
        // TLS engine and all, reachable for the rest of the pool's idle timeout (2 min by default).
        ctx.channel().closeFuture().addListener(closed -> cancelIdleDeadline());
        return carrier;
    }

    @Override
    public void message(ChannelHandlerContext ctx, ByteBuf body) {
        cancelIdleDeadline();
        if (DataPools.isParked(ctx.channel())) {
            metrics.error("DATA_PREAMBLE_UNEXPECTED"); // only a dial written on it may be answered
            ctx.close();
            return;
        }
        assigner.assign(ctx, body, carrier);
    }

    @Override
    public void idle(ChannelHandlerContext ctx) {
        if (!pools.repark(pool, ctx.channel())) {
            ctx.close();
            return;
        }
        armIdleDeadline(ctx);
    }

    private void cancelIdleDeadline() {
        if (idleDeadline != null) {
            idleDeadline.cancel(false);
            idleDeadline = null;
        }
    }

    private void armIdleDeadline(ChannelHandlerContext ctx) {
        cancelIdleDeadline(); // parked again after a failed dial: the earlier allowance no longer counts
        idleDeadline = ctx.executor().schedule(() -> {
            if (DataPools.isParked(ctx.channel())) {
                ctx.close(); // idle for the pool's whole allowance: the agent opens a fresh one
            }
        }, pools.maxIdle().toMillis(), TimeUnit.MILLISECONDS);
    }
}
