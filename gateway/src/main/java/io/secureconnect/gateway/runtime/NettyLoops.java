package io.secureconnect.gateway.runtime;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.util.concurrent.DefaultThreadFactory;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of the data endpoint and the proxy: all relay work runs here. One acceptor thread, one worker per
 * core. Every accepted socket gets TCP_NODELAY (see PERFORMANCE.md: Nagle behind a tunnel hop costs 40 ms).
 */
@Singleton
public class NettyLoops {

    /** Bytes queued towards a slow peer before we stop reading the other side. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("gateway-accept", true));
    private final EventLoopGroup workers = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors(),
            new DefaultThreadFactory("gateway-relay", true));

    /** A server bootstrap with our loops and socket options; the caller adds the child handler. */
    public ServerBootstrap server() {
        return new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    @PreDestroy
    void stop() {
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
