package io.secureconnect.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.gateway.threads.NettyLoops;
import io.secureconnect.gateway.tls.TlsMaterial;
import io.secureconnect.gateway.tunnel.Dialer;
import io.secureconnect.gateway.tunnel.TunnelManager;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The HTTP forward proxy on every configured port, plain and TLS on the same port. A connection from a source address
 * at its cap of unauthenticated connections gets only a 429 ({@link SourceRefusal}); every other one a deadline for its
 * first request head ({@link HeadDeadline}) and then the proxy.
 */
@Singleton
public class ProxyEndpoint {

    private static final Logger LOG = Logger.getLogger(ProxyEndpoint.class);
    static final int MAX_INITIAL_LINE = 8192;
    /** Room for a build credential (up to 8 KiB, base64 in a header) and ordinary headers. */
    static final int MAX_HEADERS = 32 * 1024;
    static final int MAX_CHUNK = 64 * 1024;

    private final GatewaySettings settings;
    private final NettyLoops loops;
    private final ProxyAuthorizer authorizer;
    private final TunnelManager tunnels;
    private final Dialer dialer;
    private final GatewayMetrics metrics;
    private final SourceLimits sources;
    private final ConnectionCaps caps;
    private final List<Channel> listeners = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    public ProxyEndpoint(GatewaySettings settings, NettyLoops loops, ProxyAuthorizer authorizer,
            TunnelManager tunnels, Dialer dialer, GatewayMetrics metrics, SourceLimits sources, ConnectionCaps caps) {
        this.settings = settings;
        this.loops = loops;
        this.authorizer = authorizer;
        this.tunnels = tunnels;
        this.dialer = dialer;
        this.metrics = metrics;
        this.sources = sources;
        this.caps = caps;
    }

    public synchronized List<Integer> start(TlsMaterial tls) throws InterruptedException {
        ChannelInitializer<SocketChannel> initializer = new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                install(channel, tls.raw());
            }
        };
        for (int port : settings.proxyPorts()) {
            List<Channel> bound = loops.bind(initializer, settings.bindHost(), port);
            listeners.addAll(bound);
            ports.add(((InetSocketAddress) bound.get(0).localAddress()).getPort());
        }
        LOG.infof("proxy listening on %s ports %s", settings.bindHost(), describe(ports));
        return List.copyOf(ports);
    }

    /**
     * The handlers a new proxy connection starts with: what every listener installs, and what tests drive in process.
     */
    void install(Channel channel, SslContext tls) {
        SourceLimits.Slot slot = sources.admit((InetSocketAddress) channel.remoteAddress());
        if (slot == null) {
            channel.pipeline().addLast("refuse", new SourceRefusal(sources.max(), metrics));
            return;
        }
        channel.pipeline()
                .addLast("sniff", new ProtocolSniffer(tls))
                .addLast("http", new HttpRequestDecoder(MAX_INITIAL_LINE, MAX_HEADERS, MAX_CHUNK))
                .addLast("head-deadline", new HeadDeadline(settings.headTimeout().toMillis(), metrics))
                .addLast("idle", new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast("proxy", new ProxyHandler(authorizer, tunnels, dialer, metrics, slot, caps));
    }

    /** The ports bound (ephemeral ones resolved). */
    public synchronized List<Integer> ports() {
        return List.copyOf(ports);
    }

    public synchronized void stop() {
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
        listeners.clear();
    }

    private static String describe(List<Integer> ports) {
        return ports.size() <= 3 ? ports.toString() : ports.get(0) + ".." + ports.get(ports.size() - 1)
                + " (" + ports.size() + " ports)";
    }
}
