package io.secureconnect.gateway.threads;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of the data endpoint and the proxy: all relay work runs here. One acceptor thread, one worker per
 * core; native epoll where available (fewer system calls and copies per read than NIO), NIO otherwise. Every accepted
 * socket gets TCP_NODELAY (see PERFORMANCE.md: Nagle behind a tunnel hop costs 40 ms).
 */
@Singleton
public class NettyLoops {

    /** Bytes queued towards a slow peer before we stop reading the other side. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final boolean epoll = Epoll.isAvailable();
    private final EventLoopGroup boss = group(1, "gateway-accept");
    private final EventLoopGroup workers = group(Runtime.getRuntime().availableProcessors(), "gateway-relay");

    private EventLoopGroup group(int threads, String name) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** "EpollServerSocketChannel" or "NioServerSocketChannel". */
    public String transport() {
        return (epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class).getSimpleName();
    }

    /**
     * Listens on host:port (0: an ephemeral port) with the given handler for accepted connections. With epoll: one
     * SO_REUSEPORT listener per worker loop, each handling what it accepts on its own loop, so a new connection
     * costs no hand-off from an acceptor thread (on this kind of machine every thread wake-up is tens of
     * microseconds of a new connection's latency). With NIO: one listener on the acceptor thread.
     */
    public List<Channel> bind(ChannelHandler childHandler, String host, int port) throws InterruptedException {
        if (!epoll) {
            return List.of(server(boss, workers).childHandler(childHandler).bind(host, port).sync().channel());
        }
        List<Channel> bound = new ArrayList<>();
        int actual = port;
        try {
            for (EventExecutor loop : workers) {
                Channel listener = server((EventLoop) loop, (EventLoop) loop)
                        .option(EpollChannelOption.SO_REUSEPORT, true)
                        .childHandler(childHandler).bind(host, actual).sync().channel();
                bound.add(listener);
                actual = ((InetSocketAddress) listener.localAddress()).getPort();
            }
        } catch (InterruptedException | RuntimeException e) {
            bound.forEach(Channel::close);
            throw e;
        }
        return bound;
    }

    private ServerBootstrap server(EventLoopGroup parent, EventLoopGroup children) {
        return new ServerBootstrap().group(parent, children)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
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
