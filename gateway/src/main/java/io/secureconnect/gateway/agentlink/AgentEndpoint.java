package io.secureconnect.gateway.agentlink;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.data.DataPools;
import io.secureconnect.gateway.keys.KeyValidatorClient;
import io.secureconnect.gateway.threads.GatewayScheduler;
import io.secureconnect.gateway.tls.TlsMaterial;
import io.secureconnect.gateway.tunnel.Dialer;
import io.secureconnect.gateway.tunnel.TunnelManager;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** The agent endpoint: our own grpc-java server over TLS, serving TunnelService only. */
@Singleton
public class AgentEndpoint {

    private static final Logger LOG = Logger.getLogger(AgentEndpoint.class);

    private final GatewaySettings settings;
    private final AgentTunnelService service;
    private Server server;

    public AgentEndpoint(GatewaySettings settings, KeyValidatorClient keys, TunnelManager tunnels, Dialer dialer,
            DataPools pools, GatewayScheduler scheduler) {
        this.settings = settings;
        this.service = new AgentTunnelService(keys, tunnels, dialer, pools, settings, scheduler);
    }

    /** Binds the agent port; {@code dataEndpoint} (host:port) is told to agents in Welcome. Returns the port bound. */
    public synchronized int start(TlsMaterial tls, String dataEndpoint) throws IOException {
        service.start(dataEndpoint);
        server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.bindHost(), settings.agentPort()))
                .sslContext(tls.grpc())
                .addService(ServerInterceptors.intercept(service, new ApiKeyInterceptor()))
                .withChildOption(ChannelOption.TCP_NODELAY, true)
                .permitKeepAliveTime(5, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .maxInboundMessageSize(64 * 1024)
                .build()
                .start();
        LOG.infof("agent endpoint listening on %s:%d", settings.bindHost(), server.getPort());
        return server.getPort();
    }

    /**
     * Stops listening and refuses new streams; the agents connected now keep their streams (to hear Goodbye). Their
     * reconnection then finds another gateway, not this one on its way out.
     */
    public synchronized void closeToNewAgents() {
        if (server != null) {
            server.shutdown();
        }
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        try {
            if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }
}
