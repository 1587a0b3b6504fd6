package io.secureconnect.agent.data;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.secureconnect.datalink.Carrier;
import org.jboss.logging.Logger;

/**
 * Moves the bytes read on one channel to its peer, untouched (the same ByteBufs, no copies). Backpressure: when
 * the peer's outbound buffer passes its high watermark this side stops reading (autoRead off) until the peer
 * drains below the low watermark. Each read batch is flushed once. When either side closes, the other is closed
 * after its pending bytes are flushed (a reusable data connection gets END instead, see {@link Carrier}). One instance per direction; both sides share one event loop.
 */
final class Relay extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(Relay.class);

    private final Channel peer;
    private final String connectionId;

    Relay(Channel peer, String connectionId) {
        this.peer = peer;
        this.connectionId = connectionId;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            peer.flush();
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    /** Our channel's writability gates the peer's reading. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        peer.config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Carrier.finish(peer); // END when the peer is a reusable data connection, else a close after flushing
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == Carrier.END) {
            closeAfterFlush(peer); // the gateway's side ended
        } else if (event instanceof IdleStateEvent) {
            LOG.debugf("connection %s idle: closing", connectionId);
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debugf("connection %s: %s", connectionId, cause.toString());
        ctx.close();
    }

    static void closeAfterFlush(Channel channel) {
        Carrier.closeAfterFlush(channel);
    }
}
