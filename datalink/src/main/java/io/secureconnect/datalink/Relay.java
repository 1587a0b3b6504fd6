package io.secureconnect.datalink;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.function.LongConsumer;

/**
 * One direction of a splice, the same at both ends of a tunnel (the gateway's build client to its data connection,
 * the agent's data connection to its destination): what this channel reads goes to its peer as the same buffers, no
 * copy, and each read batch is flushed once.
 *
 * <p>Backpressure, one rule: when the peer's outbound buffer passes its high watermark, this channel stops reading
 * ({@link #pauseIfPeerFull}) and reads again when the peer drains below its low watermark (the peer's own relay sees
 * its writability change, {@link #resumeIfWritable}). So at most a watermark of bytes waits per direction.
 *
 * <p>Ending: when this channel closes, the peer is finished ({@link Carrier#finish}: END on a reusable data
 * connection, else a close after flushing); END read on this channel closes the peer after flushing; an idle event
 * closes this channel. A detached relay ends nothing (the gateway's proxy moved on to another upstream).
 */
public final class Relay extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private final LongConsumer relayed;
    private volatile boolean detached;

    public Relay(Channel peer) {
        this(peer, bytes -> { });
    }

    /** {@code relayed} is told the size of every buffer passed on (byte counters). */
    public Relay(Channel peer, LongConsumer relayed) {
        this.peer = peer;
        this.relayed = relayed;
    }

    /** After this, this channel's end or END leaves the peer open. */
    public void detach() {
        detached = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg); // the peer is gone; its close already ends this side
            return;
        }
        relayed.accept(size(msg));
        peer.write(msg, peer.voidPromise());
        pauseIfPeerFull(ctx.channel(), peer);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        resumeIfWritable(ctx.channel(), peer);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!detached) {
            Carrier.finish(peer);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == Carrier.END) {
            if (!detached) {
                Carrier.closeAfterFlush(peer); // the other end's side ended; this data connection goes back to its pool
            }
        } else if (event instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /**
     * Stops {@code reader} while {@code peer} is over its high watermark, after flushing the peer so what waits
     * moves at once. Re-checks afterwards: the flush may have drained the peer and fired its writability change
     * before the pause, and a pause nobody lifts would stall the connection.
     */
    public static void pauseIfPeerFull(Channel reader, Channel peer) {
        if (peer.isWritable()) {
            return;
        }
        peer.flush();
        reader.config().setAutoRead(false);
        if (peer.isWritable()) {
            reader.config().setAutoRead(true);
        }
    }

    /** {@code channel} drained below its low watermark: the channel that feeds it reads again. */
    public static void resumeIfWritable(Channel channel, Channel feeder) {
        if (channel.isWritable()) {
            feeder.config().setAutoRead(true);
        }
    }

    /** The bytes a relayed message carries. */
    public static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        return 0;
    }
}
