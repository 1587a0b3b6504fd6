package io.secureconnect.agent.data;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The event loops and socket options of every relayed connection: native epoll when available, NIO otherwise;
 * TCP_NODELAY on every socket; reads start only once both ends are joined (autoRead off until then).
 * A destination and its data connection share one event loop, so relaying never hops threads.
 */
public final class DataPlane implements AutoCloseable {

    /** Outbound bytes buffered per socket before the other side stops reading. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;

    public DataPlane(int threads) {
        DefaultThreadFactory threadFactory = new DefaultThreadFactory("agent-relay", true);
        if (Epoll.isAvailable()) {
            group = new EpollEventLoopGroup(threads, threadFactory);
            channelType = EpollSocketChannel.class;
        } else {
            group = new NioEventLoopGroup(threads, threadFactory);
            channelType = NioSocketChannel.class;
        }
    }

    public EventLoop nextLoop() {
        return group.next();
    }

    /** The loops, for the control channel too: its dial requests then start on a relay thread. */
    public EventLoopGroup group() {
        return group;
    }

    public Class<? extends Channel> channelType() {
        return channelType;
    }

    /** A client bootstrap on that loop with the relay's socket options and the given connect timeout. */
    Bootstrap bootstrap(EventLoop loop, int connectTimeoutMillis, ChannelHandler handler) {
        return new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, connectTimeoutMillis))
                .handler(handler);
    }

    /** A bootstrap for a destination socket: no handlers until it is joined to its data connection. */
    public Bootstrap destinationBootstrap(EventLoop loop, int connectTimeoutMillis) {
        return bootstrap(loop, connectTimeoutMillis, Unjoined.INSTANCE);
    }

    /** The only handler of a destination before it is joined: passes everything on. */
    @ChannelHandler.Sharable
    private static final class Unjoined extends ChannelInboundHandlerAdapter {
        static final Unjoined INSTANCE = new Unjoined();
    }

    public String transport() {
        return channelType.getSimpleName();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
