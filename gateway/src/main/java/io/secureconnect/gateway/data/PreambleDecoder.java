package io.secureconnect.gateway.data;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.secureconnect.datalink.Carrier;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.gateway.tunnel.Dialer;
import io.secureconnect.gateway.tunnel.PendingDial;
import io.secureconnect.gateway.tunnel.PendingDials;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Reads a data connection's preamble (4-byte big-endian length, then DataPreamble; at most 1 KiB, within 5 s), claims
 * the pending dial it names, hands the connection to the waiting proxy client and steps aside. A parking preamble
 * first may leave the connection waiting in its agent's pool (up to the pool's idle timeout) for the assigning one.
 * A reusable parked connection (both ends asked for it) then belongs to its {@link ReusableCarrier}. Anything else:
 * close.
 */
final class PreambleDecoder extends ByteToMessageDecoder {

    private static final Logger LOG = Logger.getLogger(PreambleDecoder.class);
    static final int MAX_PREAMBLE = 1024;
    static final long DEADLINE_MILLIS = 5000;

    private final DataPools pools;
    private final GatewayMetrics metrics;
    private final Assigner assigner;
    private ScheduledFuture<?> deadline;
    private boolean parked;

    PreambleDecoder(PendingDials pending, DataPools pools, Dialer dialer, GatewayMetrics metrics) {
        this.pools = pools;
        this.metrics = metrics;
        this.assigner = new Assigner(pending, pools, dialer, metrics);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            metrics.error("DATA_PREAMBLE_TIMEOUT");
            ctx.close();
        }, DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length <= 0 || length > MAX_PREAMBLE) {
            reject(ctx, in, "DATA_PREAMBLE_INVALID");
            return;
        }
        if (in.readableBytes() < 4 + length) {
            return;
        }
        DataPreamble preamble;
        try {
            preamble = DataPreamble.parseFrom(in.nioBuffer(in.readerIndex() + 4, length));
        } catch (InvalidProtocolBufferException e) {
            reject(ctx, in, "DATA_PREAMBLE_INVALID");
            return;
        }
        in.skipBytes(4 + length);
        if (preamble.getPark()) {
            park(ctx, in, preamble);
            return;
        }
        if (assigner.assign(ctx, preamble, null)) {
            deadline.cancel(false);
            // Bytes that came after the preamble move on to the relay the listener installed.
            ctx.pipeline().remove(this);
        } else {
            in.skipBytes(in.readableBytes());
        }
    }

    /** Hands a data connection to the pending dial its assigning preamble names. */
    static final class Assigner {
        private final PendingDials pending;
        private final DataPools pools;
        private final Dialer dialer;
        private final GatewayMetrics metrics;

        Assigner(PendingDials pending, DataPools pools, Dialer dialer, GatewayMetrics metrics) {
            this.pending = pending;
            this.pools = pools;
            this.dialer = dialer;
            this.metrics = metrics;
        }

        /** A preamble read by a reusable connection's carrier: framed from here on when it assigns. */
        void assign(ChannelHandlerContext ctx, ByteBuf body, Carrier carrier) {
            DataPreamble preamble;
            try {
                preamble = DataPreamble.parseFrom(body.nioBuffer());
            } catch (InvalidProtocolBufferException e) {
                metrics.error("DATA_PREAMBLE_INVALID");
                ctx.close();
                return;
            }
            if (preamble.getPark()) {
                metrics.error("DATA_PREAMBLE_INVALID"); // it parked once already
                ctx.close();
                return;
            }
            assign(ctx, preamble, carrier);
        }

        /** False (and closed) when it names no pending dial. */
        boolean assign(ChannelHandlerContext ctx, DataPreamble preamble, Carrier carrier) {
            PendingDial dial = pending.claim(preamble.getTunnelId(), preamble.getConnectionId(),
                    preamble.getTicket().toByteArray());
            if (dial == null) {
                LOG.debugf("data connection for no pending dial connection=%s", preamble.getConnectionId());
                metrics.error("DATA_CONNECTION_UNKNOWN");
                ctx.close();
                return false;
            }
            pools.unpark(ctx.channel());
            ctx.channel().config().setAutoRead(false);
            if (carrier != null) {
                carrier.startFraming();
            }
            dialer.arrived(dial, ctx.channel());
            return true;
        }
    }

    /** A connection parks once, in its own agent's pool; it then waits for its assigning preamble or the idle end. */
    private void park(ChannelHandlerContext ctx, ByteBuf in, DataPreamble preamble) {
        if (parked) {
            reject(ctx, in, "DATA_PREAMBLE_INVALID");
            return;
        }
        switch (pools.park(preamble.getTunnelId(), preamble.getConnectionId(), preamble.getTicket().toByteArray(),
                ctx.channel())) {
            case UNKNOWN -> reject(ctx, in, "DATA_POOL_UNKNOWN");
            case FULL -> reject(ctx, in, "DATA_POOL_FULL");
            case PARKED -> {
                parked = true;
                if (pools.reusable(preamble)) {
                    // From here on the connection's carrier reads what comes; it lives as long as the connection.
                    ReusableCarrier side = new ReusableCarrier(pools, DataPools.poolOf(ctx.channel()), assigner,
                            metrics);
                    ctx.pipeline().addAfter(ctx.name(), "carrier", side.install(ctx));
                    ctx.pipeline().remove(this);
                    return;
                }
                deadline.cancel(false);
                deadline = ctx.executor().schedule(() -> {
                    if (DataPools.isParked(ctx.channel())) {
                        ctx.close(); // idle for the pool's whole allowance: the agent opens a fresh one
                    }
                }, pools.maxIdle().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        metrics.error(reason);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.error("DATA_CONNECTION_FAILED");
        ctx.close();
    }
}
