package io.secureconnect.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import java.net.InetSocketAddress;
import org.jboss.logging.Logger;

/**
 * The whole pipeline of a connection whose source address is at its cap of unauthenticated connections: 429 at
 * accept, before anything is read (so in plain HTTP: a client that speaks TLS to the proxy sees its handshake fail),
 * then a lingering close; no TLS handshake, no HTTP decoding, nothing the client sends is looked at.
 */
final class SourceRefusal extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(SourceRefusal.class);

    private final int maxPerSource;
    private final GatewayMetrics metrics;

    SourceRefusal(int maxPerSource, GatewayMetrics metrics) {
        this.maxPerSource = maxPerSource;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        metrics.error("PROXY_SOURCE_LIMIT");
        // Debug, not info: refusals come as fast as an abuser connects; the metric counts them.
        LOG.debugf("proxy refused status=429 reason=PROXY_SOURCE_LIMIT source=%s",
                ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress());
        LingeringClose.answer(ctx, ProxyResponses.error(ctx.alloc(), 429, "this address already has " + maxPerSource
                + " connections waiting to send an authorized request head, its limit "
                + "(max-unauthenticated-per-source); retry when they have sent one or closed"));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
