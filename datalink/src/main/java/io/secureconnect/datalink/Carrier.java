package io.secureconnect.datalink;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A reusable data connection, first handler after TLS for its whole life. While idle it reads length-prefixed
 * messages (4-byte big-endian length, then the message: a DialRequest at the agent, a DataPreamble at the gateway)
 * and gives each to its {@link Side}. Once the side {@link #startFraming starts framing} (the connection carries a
 * proxied connection), every buffer written is sent as a frame (length, then the bytes) and frames read are passed
 * on as the bytes alone (slices, no copies). {@link #finish} sends END (a zero length) instead of closing; END read
 * is passed on as the {@link #END} user event. When END went both ways, every handler after this one is removed
 * and the connection is idle again ({@link Side#idle}). What breaks the protocol closes the connection.
 */
public final class Carrier extends ChannelDuplexHandler {

    /** Fired when the peer sent END: its side of the proxied connection closed. */
    public static final Object END = new Object() {
        @Override
        public String toString() {
            return "END";
        }
    };
    /** An idle message is a protobuf of well under this size. */
    static final int MAX_MESSAGE = 64 * 1024;
    /** After sending END, how long the peer may take to answer with its own before the connection is closed. */
    static final long END_TIMEOUT_MILLIS = 30_000;

    /** What one end does with the connection while it is idle. */
    public interface Side {
        /** A length-prefixed message read while idle; {@code body} is valid only during the call. */
        void message(ChannelHandlerContext ctx, ByteBuf body);

        /** END went both ways: the connection may carry another proxied connection (or be closed). */
        void idle(ChannelHandlerContext ctx);
    }

    private enum Mode { IDLE, FRAMED }

    private final Side side;
    private Mode mode = Mode.IDLE;
    /** Bytes of a message (idle) or of a frame header (framed) split across reads. */
    private ByteBuf partial;
    /** Payload bytes of the current frame still to come. */
    private int remaining;
    private boolean endSent;
    private boolean endReceived;
    private ScheduledFuture<?> endTimer;
    private ChannelHandlerContext ctx;
    private long uses;
    private boolean removed;

    public Carrier(Side side) {
        this.side = side;
    }

    /** The carrier of a channel, or null when it has none (a single-use connection). */
    public static Carrier of(Channel channel) {
        return channel.pipeline().get(Carrier.class);
    }

    /**
     * Ends this side of the proxied connection on {@code channel}: END after what is queued when it is a framed
     * carrier, otherwise a close after flushing. Any thread.
     */
    public static void finish(Channel channel) {
        Carrier carrier = of(channel);
        if (carrier == null) {
            closeAfterFlush(channel);
        } else if (channel.eventLoop().inEventLoop()) {
            carrier.end();
        } else {
            channel.eventLoop().execute(carrier::end);
        }
    }

    /**
     * The dial this idle connection was assigned to failed before any byte of it moved (nothing was framed): it
     * is idle again for its side, as if END had gone both ways. On the event loop.
     */
    public void unused() {
        if (mode == Mode.IDLE && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
            side.idle(ctx);
        }
    }

    /** Proxied connections this connection has carried to their end (both ENDs). */
    public long uses() {
        return uses;
    }

    /** From now on, until END went both ways, everything written and read is framed. On the event loop. */
    public void startFraming() {
        mode = Mode.FRAMED;
        endSent = false;
        endReceived = false;
        remaining = 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Single use after all (the other end does not reuse connections): steps aside after the current message, so
     * what follows passes untouched. On the event loop.
     */
    public void singleUse() {
        ctx.pipeline().remove(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        removed = true;
        releasePartial();
        cancelEndTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releasePartial();
        cancelEndTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            while (in.isReadable() && ctx.channel().isActive()) {
                if (removed) {
                    ctx.fireChannelRead(in.retain());
                    return;
                }
                if (mode == Mode.IDLE) {
                    readMessage(ctx, in);
                } else {
                    readFrame(ctx, in);
                }
            }
        } finally {
            in.release();
        }
    }

    private void readMessage(ChannelHandlerContext ctx, ByteBuf in) {
        ByteBuf source = cumulate(ctx, in, 4);
        if (source == null) {
            return;
        }
        int length = source.getInt(source.readerIndex());
        if (length <= 0 || length > MAX_MESSAGE) {
            violation(ctx);
            return;
        }
        if (source != in) {
            // Gather the rest of the message into the partial buffer.
            int missing = 4 + length - partial.readableBytes();
            if (missing > 0) {
                int take = Math.min(missing, in.readableBytes());
                partial.writeBytes(in, take);
                if (take < missing) {
                    return;
                }
            }
        } else if (in.readableBytes() < 4 + length) {
            keep(ctx, in);
            return;
        }
        ByteBuf body = source.slice(source.readerIndex() + 4, length);
        source.skipBytes(4 + length);
        side.message(ctx, body);
        if (source == partial) {
            releasePartial();
        }
    }

    private void readFrame(ChannelHandlerContext ctx, ByteBuf in) {
        if (remaining > 0) {
            int take = Math.min(remaining, in.readableBytes());
            remaining -= take;
            if (endSent) {
                in.skipBytes(take); // our side is done: what the peer still sends before its END has no reader
            } else {
                ctx.fireChannelRead(in.readRetainedSlice(take));
            }
            return;
        }
        ByteBuf header = cumulate(ctx, in, 4);
        if (header == null) {
            return;
        }
        int length = header.readInt();
        if (header == partial) {
            releasePartial();
        }
        if (length < 0 || endReceived) {
            violation(ctx); // a negative length, or bytes after the peer's END
            return;
        }
        if (length > 0) {
            remaining = length;
            return;
        }
        endReceived = true;
        ctx.fireUserEventTriggered(END);
        if (endSent) {
            toIdle(ctx);
        }
    }

    /**
     * Where the next {@code needed} bytes can be read: {@code in} itself when they are there and nothing is
     * partial, the partial buffer once it holds them, or null (kept for the next read).
     */
    private ByteBuf cumulate(ChannelHandlerContext ctx, ByteBuf in, int needed) {
        if (partial == null) {
            if (in.readableBytes() >= needed) {
                return in;
            }
            keep(ctx, in);
            return null;
        }
        int take = Math.min(needed - partial.readableBytes(), in.readableBytes());
        if (take > 0) {
            partial.writeBytes(in, take);
        }
        return partial.readableBytes() >= needed ? partial : null;
    }

    private void keep(ChannelHandlerContext ctx, ByteBuf in) {
        if (partial == null) {
            partial = ctx.alloc().buffer(Math.max(64, in.readableBytes()));
        }
        partial.writeBytes(in);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (mode != Mode.FRAMED || !(msg instanceof ByteBuf buf)) {
            ctx.write(msg, promise);
            return;
        }
        if (endSent) {
            ReferenceCountUtil.release(msg); // after END nothing more belongs to this proxied connection
            promise.trySuccess();
            return;
        }
        int length = buf.readableBytes();
        if (length == 0) {
            ctx.write(msg, promise);
            return;
        }
        ctx.write(ctx.alloc().buffer(4).writeInt(length), ctx.voidPromise());
        ctx.write(msg, promise);
    }

    /** Sends END (once) after what is queued; idle when the peer's END came already. On the event loop. */
    private void end() {
        if (mode != Mode.FRAMED) {
            closeAfterFlush(ctx.channel());
            return;
        }
        if (endSent || !ctx.channel().isActive()) {
            return; // already ended, or closed (then nothing is reused)
        }
        endSent = true;
        ctx.writeAndFlush(ctx.alloc().buffer(4).writeInt(0)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        // A relay may have paused reading for backpressure; what comes now is dropped or the peer's END: read on.
        ctx.channel().config().setAutoRead(true);
        if (endReceived) {
            toIdle(ctx);
        } else {
            endTimer = ctx.executor().schedule(() -> {
                if (endSent && !endReceived && mode == Mode.FRAMED) {
                    ctx.close();
                }
            }, END_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void toIdle(ChannelHandlerContext ctx) {
        cancelEndTimer();
        mode = Mode.IDLE;
        remaining = 0;
        uses++;
        while (ctx.pipeline().last() != this) {
            ctx.pipeline().removeLast();
        }
        ctx.channel().config().setAutoRead(true);
        side.idle(ctx);
    }

    private void violation(ChannelHandlerContext ctx) {
        releasePartial();
        ctx.close();
    }

    private void releasePartial() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    private void cancelEndTimer() {
        if (endTimer != null) {
            endTimer.cancel(false);
            endTimer = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.fireExceptionCaught(cause);
    }

    /** Closes once what is queued has been written. */
    public static void closeAfterFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }
}
