package io.secureconnect.gateway.data;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.gateway.threads.NettyLoops;
import io.secureconnect.gateway.tls.TlsMaterial;
import io.secureconnect.gateway.tunnel.Dialer;
import io.secureconnect.gateway.tunnel.PendingDials;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The data endpoint: raw TLS connections from agents, one per proxied connection, each opened by a preamble (or
 * parked first, see {@link DataPools}).
 */
@Singleton
public class DataEndpoint {

    private static final Logger LOG = Logger.getLogger(DataEndpoint.class);

    private final GatewaySettings settings;
    private final NettyLoops loops;
    private final PendingDials pending;
    private final DataPools pools;
    private final Dialer dialer;
    private final GatewayMetrics metrics;
    private List<Channel> listeners = List.of();

    public DataEndpoint(GatewaySettings settings, NettyLoops loops, PendingDials pending, DataPools pools,
            Dialer dialer, GatewayMetrics metrics) {
        this.settings = settings;
        this.loops = loops;
        this.pending = pending;
        this.pools = pools;
        this.dialer = dialer;
        this.metrics = metrics;
    }

    /** Binds the data port; returns the port bound (the setting, or an ephemeral one for 0). */
    public int start(TlsMaterial tls) throws InterruptedException {
        listeners = loops.bind(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast("tls", tls.raw().newHandler(channel.alloc()))
                        .addLast("preamble", new PreambleDecoder(pending, pools, dialer, metrics));
            }
        }, settings.bindHost(), settings.dataPort());
        int port = ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
        LOG.infof("data endpoint listening on %s:%d (TLS provider %s, transport %s)", settings.bindHost(), port,
                TlsMaterial.provider(), loops.transport());
        return port;
    }

    public void stop() {
        for (Channel listener : listeners) {
            listener.close().syncUninterruptibly();
        }
    }
}
