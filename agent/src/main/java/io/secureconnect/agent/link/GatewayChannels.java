package io.secureconnect.agent.link;

import io.grpc.HttpConnectProxiedSocketAddress;
import io.grpc.ManagedChannel;
import io.grpc.ProxyDetector;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.secureconnect.agent.config.AgentSettings;
import io.secureconnect.agent.data.DataPlane;
import io.secureconnect.agent.net.ProxySettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Builds the control channel to REMOTE_SERVER: gRPC over TLS (the gateway's certificate and host name checked
 * against the system trust store plus GATEWAY_CA), through HTTPS_PROXY with HTTP CONNECT when one is set.
 * One fresh channel per connection attempt, so each attempt resolves the gateway's name again.
 */
public final class GatewayChannels implements Supplier<ManagedChannel> {

    static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    private final AgentSettings settings;
    private final SslContext sslContext;
    private final DataPlane plane;
    private final String userAgent;

    /**
     * @param plane its loops carry the control channel too, and its callbacks run there directly (see
     *              {@link TunnelLink}: a DialRequest starts on a relay thread, everything else moves to the link thread)
     */
    public GatewayChannels(AgentSettings settings, TrustAnchors trust, DataPlane plane, String userAgent)
            throws SSLException {
        this.settings = settings;
        this.sslContext = GrpcSslContexts.forClient().trustManager(trust).build();
        this.plane = plane;
        this.userAgent = userAgent;
    }

    @Override
    public ManagedChannel get() {
        return NettyChannelBuilder.forAddress(settings.remoteServer().host(), settings.remoteServer().port())
                .sslContext(sslContext)
                .eventLoopGroup(plane.group())
                .channelType(plane.channelType())
                .directExecutor()
                .userAgent(userAgent)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .proxyDetector(settings.httpsProxy().<ProxyDetector>map(HttpsProxy::new).orElse(target -> null))
                .build();
    }

    /** Sends every connection through the corporate proxy, which resolves the gateway's name itself. */
    private record HttpsProxy(ProxySettings proxy) implements ProxyDetector {

        @Override
        public HttpConnectProxiedSocketAddress proxyFor(SocketAddress target) throws IOException {
            if (!(target instanceof InetSocketAddress address)) {
                return null;
            }
            InetSocketAddress proxyAddress = new InetSocketAddress(proxy.address().host(), proxy.address().port());
            if (proxyAddress.isUnresolved()) {
                throw new IOException("cannot resolve the HTTPS_PROXY host " + proxy.address().host());
            }
            HttpConnectProxiedSocketAddress.Builder builder = HttpConnectProxiedSocketAddress.newBuilder()
                    .setTargetAddress(address)
                    .setProxyAddress(proxyAddress);
            proxy.username().ifPresent(builder::setUsername);
            proxy.password().ifPresent(builder::setPassword);
            return builder.build();
        }
    }
}
