package io.secureconnect.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.TimeUnit;

/**
 * Answers a client that is still sending and closes without losing the answer: closing a socket with unread bytes
 * resets the connection, and a reset can reach the client before it has read the response. So, on plain TCP, the
 * response is written, the output half-closed, and the connection closed when the client hangs up or after
 * {@link #LINGER_MILLIS}, whichever is first; what arrives meanwhile the caller drops (RFC 9112, 9.6). Over TLS the
 * response goes out and the connection closes (close_notify). A TLS handshake still under way gets no answer at all:
 * the client could not read one.
 */
final class LingeringClose {

    static final long LINGER_MILLIS = 1000;

    private LingeringClose() {
    }

    /** Writes the response from {@code ctx} towards the client and closes as above. */
    static void answer(ChannelHandlerContext ctx, ByteBuf response) {
        Channel channel = ctx.channel();
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls != null && !tls.handshakeFuture().isSuccess()) {
            response.release();
            channel.close();
            return;
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess() || tls != null || !(channel instanceof DuplexChannel duplex)) {
                channel.close();
                return;
            }
            duplex.shutdownOutput();
            Runnable close = channel::close;
            channel.eventLoop().schedule(close, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }
}
