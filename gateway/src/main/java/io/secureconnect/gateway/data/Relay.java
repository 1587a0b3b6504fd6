package io.secureconnect.gateway.data;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.secureconnect.datalink.Carrier;
import java.util.concurrent.atomic.LongAdder;

/**
 * Moves what one channel reads to its peer without copying (the buffers are passed on), and stops reading when the
 * peer cannot take more: backpressure by writability. Closing one side (or END on a reusable data connection) closes
 * the other after flushing.
 */
public final class Relay extends ChannelInboundHandlerAdapter {

    private final Channel peer;
    private final LongAdder tunnelBytes;
    private final LongAdder totalBytes;
    private volatile boolean detached;

    public Relay(Channel peer, LongAdder tunnelBytes, LongAdder totalBytes) {
        this.peer = peer;
        this.tunnelBytes = tunnelBytes;
        this.totalBytes = totalBytes;
    }

    /** After this, closing this channel leaves the peer open (the proxy moved on to another upstream). */
    public void detach() {
        detached = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long size = size(msg);
        tunnelBytes.add(size);
        totalBytes.add(size);
        peer.write(msg, peer.voidPromise());
        pauseIfPeerFull(ctx.channel(), peer);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!detached) {
            closeAfterFlush(peer);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == Carrier.END) {
            if (!detached) {
                closeAfterFlush(peer); // the agent's side ended; this data connection goes back to its pool
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

    /** Stops reading {@code reader} while {@code peer} is full; re-checks so a writability change is never lost. */
    public static void pauseIfPeerFull(Channel reader, Channel peer) {
        if (!peer.isWritable()) {
            reader.config().setAutoRead(false);
            if (peer.isWritable()) {
                reader.config().setAutoRead(true);
            }
        }
    }

    public static long size(Object msg) {
        if (msg instanceof ByteBuf buf) {
            return buf.readableBytes();
        }
        if (msg instanceof ByteBufHolder holder) {
            return holder.content().readableBytes();
        }
        return 0;
    }

    public static void closeAfterFlush(Channel channel) {
        Carrier.closeAfterFlush(channel);
    }
}
