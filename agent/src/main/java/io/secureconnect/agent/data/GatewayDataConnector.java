package io.secureconnect.agent.data;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.secureconnect.agent.net.HostPort;
import io.secureconnect.agent.net.ProxySettings;
import java.net.InetSocketAddress;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Opens data connections to the gateway's data endpoint: raw TLS (OpenSSL provider when available), the
 * gateway's certificate verified like the control channel's and checked against the host dialled (SNI and host
 * name verification use the endpoint's host: REMOTE_SERVER's, or the one the gateway's Welcome names), through HTTPS_PROXY (HTTP CONNECT)
 * when one is set. The returned channel has finished its TLS handshake and reads nothing yet.
 */
public final class GatewayDataConnector {

    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final DataPlane plane;
    private final SslContext sslContext;
    private final Optional<ProxySettings> proxy;
    private final DataLinkHealth health;

    /** @param health hears every open's outcome (and every name that did not resolve) */
    public GatewayDataConnector(DataPlane plane, X509ExtendedTrustManager trust, Optional<ProxySettings> proxy,
                                DataLinkHealth health) throws SSLException {
        this.plane = plane;
        this.proxy = proxy;
        this.health = health;
        this.sslContext = SslContextBuilder.forClient()
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .trustManager(trust)
                .endpointIdentificationAlgorithm("HTTPS")
                .protocols("TLSv1.3", "TLSv1.2")
                .build();
    }

    /** "OpenSSL" or "JDK": which TLS implementation carries the bytes. */
    public String tlsProvider() {
        return OpenSsl.isAvailable() ? "OpenSSL " + OpenSsl.versionString() : "JDK";
    }

    /**
     * How to reach the endpoint. Blocking (DNS): call it off the event loop.
     *
     * @param endpoint the data endpoint, for TLS (SNI and host name verification)
     * @param target   where to connect: resolved, or unresolved for the proxy to resolve
     * @param proxy    the resolved HTTPS_PROXY address, or null
     */
    public record Route(HostPort endpoint, InetSocketAddress target, InetSocketAddress proxy) {
    }

    /** The control stream now open names {@code endpoint}: only opens to it say how the data link is. */
    public void use(HostPort endpoint) {
        health.use(endpoint);
    }

    /** Resolves the route to the endpoint; the target stays unresolved when it is reached through the proxy. */
    public Route route(HostPort endpoint) throws java.net.UnknownHostException {
        try {
            return resolve(endpoint);
        } catch (java.net.UnknownHostException e) {
            health.failed(endpoint, e);
            throw e;
        }
    }

    private Route resolve(HostPort endpoint) throws java.net.UnknownHostException {
        if (proxy.isPresent()) {
            HostPort proxyAddress = proxy.get().address();
            InetSocketAddress resolved = new InetSocketAddress(proxyAddress.host(), proxyAddress.port());
            if (resolved.isUnresolved()) {
                throw new java.net.UnknownHostException("HTTPS_PROXY host " + proxyAddress.host());
            }
            return new Route(endpoint, InetSocketAddress.createUnresolved(endpoint.host(), endpoint.port()), resolved);
        }
        InetSocketAddress resolved = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (resolved.isUnresolved()) {
            throw new java.net.UnknownHostException(endpoint.host());
        }
        return new Route(endpoint, resolved, null);
    }

    /** Connects on the given loop (the destination's) and completes once the TLS handshake is done. */
    public Future<Channel> open(EventLoop loop, Route route) {
        HostPort endpoint = route.endpoint();
        Promise<Channel> promise = loop.newPromise();
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                if (route.proxy() != null) {
                    ProxySettings settings = proxy.orElseThrow();
                    HttpProxyHandler handler = settings.username().isPresent()
                            ? new HttpProxyHandler(route.proxy(), settings.username().get(),
                                    settings.password().orElse(""))
                            : new HttpProxyHandler(route.proxy());
                    handler.setConnectTimeoutMillis(CONNECT_TIMEOUT_MILLIS);
                    channel.pipeline().addLast(handler);
                }
                SslHandler tls = sslContext.newHandler(channel.alloc(), endpoint.host(), endpoint.port());
                tls.setHandshakeTimeoutMillis(CONNECT_TIMEOUT_MILLIS);
                channel.pipeline().addLast(tls);
            }
        };
        var bootstrap = plane.bootstrap(loop, CONNECT_TIMEOUT_MILLIS, init);
        // Never resolve on the event loop; with a proxy, the proxy resolves the gateway's name.
        bootstrap.resolver(NoopAddressResolverGroup.INSTANCE);
        ChannelFuture connect = bootstrap.connect(route.target());
        connect.addListener((ChannelFuture connected) -> {
            if (!connected.isSuccess()) {
                health.failed(endpoint, connected.cause());
                promise.tryFailure(connected.cause());
                return;
            }
            Channel channel = connected.channel();
            channel.pipeline().get(SslHandler.class).handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    health.opened(endpoint);
                    promise.trySuccess(channel);
                } else {
                    health.failed(endpoint, handshake.cause());
                    channel.close();
                    promise.tryFailure(handshake.cause());
                }
            });
        });
        return promise;
    }
}
