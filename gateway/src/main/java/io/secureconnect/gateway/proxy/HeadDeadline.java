package io.secureconnect.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The deadline of a connection's first request head (request line and headers through the blank line), counted from
 * accept and never moved by bytes arriving, so a head trickled a byte at a time ends like a silent one: with 408 and
 * a close, and whatever the client sends after that is dropped. A head in time takes this handler out of the
 * pipeline: it costs nothing afterwards.
 */
final class HeadDeadline extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(HeadDeadline.class);

    private final long timeoutMillis;
    private final GatewayMetrics metrics;
    private ScheduledFuture<?> timer;
    private boolean expired;

    HeadDeadline(long timeoutMillis, GatewayMetrics metrics) {
        this.timeoutMillis = timeoutMillis;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (expired) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            cancel();
            ctx.pipeline().remove(this);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        expired = true;
        metrics.error("PROXY_HEAD_TIMEOUT");
        LOG.infof("proxy refused status=408 reason=PROXY_HEAD_TIMEOUT source=%s: no complete request head within %s",
                ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress(),
                describe(timeoutMillis));
        LingeringClose.answer(ctx, ProxyResponses.error(ctx.alloc(), 408,
                "the request head did not arrive within " + describe(timeoutMillis) + " of connecting"));
    }

    static String describe(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
