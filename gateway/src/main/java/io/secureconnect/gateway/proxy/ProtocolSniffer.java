package io.secureconnect.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import java.util.List;

/**
 * Plain HTTP and TLS on one port: a TLS handshake record starts with 0x16, an HTTP request with a letter. On TLS it
 * puts a TLS handler in front of the HTTP decoder; either way it steps aside after the first byte.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    static final int TLS_HANDSHAKE = 0x16;
    private final SslContext tls;

    ProtocolSniffer(SslContext tls) {
        this.tls = tls;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (in.getUnsignedByte(in.readerIndex()) == TLS_HANDSHAKE) {
            ctx.pipeline().addAfter(ctx.name(), "tls", tls.newHandler(ctx.alloc()));
        }
        ctx.pipeline().remove(this);
    }
}
