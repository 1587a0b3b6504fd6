package io.secureconnect.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.datalink.Carrier;
import io.secureconnect.datalink.Relay;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.gateway.tunnel.DialListener;
import io.secureconnect.gateway.tunnel.Dialer;
import io.secureconnect.gateway.tunnel.PendingDial;
import io.secureconnect.gateway.tunnel.Tunnel;
import io.secureconnect.gateway.tunnel.TunnelKey;
import io.secureconnect.gateway.tunnel.TunnelManager;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import org.jboss.logging.Logger;

/**
 * One proxy client connection: checks the credential and destination of each request head, dials through the
 * account's tunnel, then relays. CONNECT becomes a blind relay; absolute-URI requests are rewritten to origin-form and
 * their bodies passed on untouched, over one upstream connection per client connection (a new one when the
 * destination changes). Runs on the client's event loop; dial outcomes hop back onto it. Its first authorized head
 * takes it off its source address's count of unauthenticated connections and counts it against its build's and
 * account's caps until it closes.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(ProxyHandler.class);

    private enum State { HEAD, DIALING, CONNECT_RELAY, HTTP_RELAY, CLOSING }

    private final ProxyAuthorizer authorizer;
    private final TunnelManager tunnels;
    private final Dialer dialer;
    private final GatewayMetrics metrics;
    private final SourceLimits.Slot sourceSlot;
    private final ConnectionCaps caps;
    static final int MAX_QUEUED = 64 * 1024;

    private final ArrayDeque<Object> queued = new ArrayDeque<>(2);
    private long queuedBytes;
    private Channel client;
    private ChannelHandlerContext context;
    private State state = State.HEAD;
    private Attempt attempt;
    private Channel upstream;
    private Relay upstreamRelay;
    private HostPort upstreamTarget;
    private TunnelKey upstreamTunnel;
    private Tunnel tunnel;
    /** This connection's count against its build's and account's caps, from its first authorized head on. */
    private ConnectionCaps.Hold capsHold;

    /** @param sourceSlot this connection's place among its source address's unauthenticated connections */
    ProxyHandler(ProxyAuthorizer authorizer, TunnelManager tunnels, Dialer dialer, GatewayMetrics metrics,
            SourceLimits.Slot sourceSlot, ConnectionCaps caps) {
        this.authorizer = authorizer;
        this.tunnels = tunnels;
        this.dialer = dialer;
        this.metrics = metrics;
        this.sourceSlot = sourceSlot;
        this.caps = caps;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        context = ctx;
        metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case CONNECT_RELAY -> forward(msg);
            case CLOSING -> ReferenceCountUtil.release(msg);
            case DIALING -> {
                if (msg instanceof HttpRequest) {
                    refuse(400, "PROXY_PIPELINING", "send the next request after the previous response", null);
                } else if (attempt != null && (attempt.connect ? msg instanceof ByteBuf : msg instanceof HttpContent)) {
                    queue(msg);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
            default -> {
                if (msg instanceof HttpRequest request) {
                    head(request);
                } else if (state == State.HTTP_RELAY && msg instanceof HttpContent) {
                    forward(msg);
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
        }
    }

    private void head(HttpRequest request) {
        HeadChecks.Fault fault = HeadChecks.check(request);
        if (fault != null) {
            refuse(fault.status(), fault.reason(), fault.message(), null);
            return;
        }
        int localPort = ((InetSocketAddress) client.localAddress()).getPort();
        ProxyAuthorizer.Outcome outcome = authorizer.authorize(
                request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION), localPort, Instant.now());
        if (outcome instanceof ProxyAuthorizer.Refused refused) {
            refuse(refused.status(), refused.reason(), refused.message(), null);
            return;
        }
        BuildCredential credential = ((ProxyAuthorizer.Allowed) outcome).credential();
        sourceSlot.release();
        if (!counted(credential)) {
            return;
        }
        boolean connect = HttpMethod.CONNECT.equals(request.method());
        HostPort target;
        ForwardedRequest.Target forwarded = null;
        if (connect) {
            target = HostPort.parse(request.uri(), -1);
            if (target == null) {
                refuse(400, "PROXY_BAD_REQUEST", "CONNECT needs host:port", credential);
                return;
            }
        } else {
            forwarded = ForwardedRequest.parse(request.uri());
            if (forwarded == null) {
                refuse(400, "PROXY_BAD_REQUEST", "send CONNECT host:port, or an absolute http:// URI", credential);
                return;
            }
            target = forwarded.target();
        }
        if (!Destinations.allows(credential.destinations(), target)) {
            refuse(403, "PROXY_DESTINATION_NOT_ALLOWED", "destination " + target
                    + " is not in this build's allowlist", credential);
            return;
        }
        TunnelKey key = new TunnelKey(credential.accountId(), credential.port());
        if (!connect) {
            ForwardedRequest.rewrite(request, forwarded);
            if (state == State.HTTP_RELAY && upstream.isActive() && target.equals(upstreamTarget)
                    && key.equals(upstreamTunnel)) {
                forward(request);
                return;
            }
            dropUpstream();
        }
        Tunnel found = tunnels.find(key);
        if (found == null) {
            refuse(503, "TUNNEL_NOT_CONNECTED", "no agent is connected for port " + key.port()
                    + " of this account", credential);
            return;
        }
        tunnel = found;
        found.track(client);
        state = State.DIALING;
        if (connect) {
            // From here on the client speaks the destination's protocol: raw bytes, queued until the dial ends.
            client.pipeline().remove("http");
        }
        Attempt next = new Attempt(found, key, target, connect, connect ? null : request);
        attempt = next;
        next.pending = dialer.dial(found, target.host(), target.port(), client.eventLoop(), next);
    }

    /**
     * Counts this connection against the caps of the credential's build and account, once per connection (again only
     * when a later head on it names another build); false when refused with 429.
     */
    private boolean counted(BuildCredential credential) {
        if (capsHold != null && capsHold.covers(credential)) {
            return true;
        }
        ConnectionCaps.Outcome outcome = caps.open(credential);
        if (outcome instanceof ConnectionCaps.OverLimit over) {
            refuse(429, over.reason(), over.message(), credential);
            return false;
        }
        if (capsHold != null) {
            capsHold.release();
        }
        capsHold = (ConnectionCaps.Hold) outcome;
        return true;
    }

    /** A dial in flight; its outcome arrives on any thread and is applied on the client's event loop. */
    private final class Attempt implements DialListener {
        private final Tunnel tunnel;
        private final TunnelKey key;
        private final HostPort target;
        private final boolean connect;
        private final HttpRequest request;
        private PendingDial pending;

        Attempt(Tunnel tunnel, TunnelKey key, HostPort target, boolean connect, HttpRequest request) {
            this.tunnel = tunnel;
            this.key = key;
            this.target = target;
            this.connect = connect;
            this.request = request;
        }

        @Override
        public void connected(Channel data) {
            if (!connect) {
                data.pipeline().addLast("http-encoder", new HttpRequestEncoder());
            } else {
                // Before the relay exists: bytes the agent sent right behind its preamble (a server that speaks
                // first) must reach the client after the 200, never before it.
                client.writeAndFlush(ProxyResponses.connected(client.alloc()), client.voidPromise());
            }
            Relay relay = new Relay(client, bytes -> {
                tunnel.bytesOut().add(bytes);
                metrics.bytesOut().add(bytes);
            });
            data.pipeline().addLast("relay", relay);
            String connectionId = pending == null ? "" : pending.connectionId();
            if (data.eventLoop() == client.eventLoop()) {
                client.eventLoop().execute(() -> established(this, data, relay, connectionId));
                return;
            }
            // Both ends of a splice on one event loop: every relayed write then stays on its thread (no hand-off
            // per chunk). The data channel does not read meanwhile (auto-read is off until established).
            data.deregister().addListener(deregistered -> {
                if (!deregistered.isSuccess()) {
                    data.close();
                    failed(502, "DATA_CONNECTION_MOVE_FAILED", "the data connection could not be taken over");
                    return;
                }
                client.eventLoop().register(data).addListener(registered -> {
                    if (registered.isSuccess()) {
                        established(this, data, relay, connectionId);
                    } else {
                        data.close();
                        failed(502, "DATA_CONNECTION_MOVE_FAILED", "the data connection could not be taken over");
                    }
                });
            });
        }

        @Override
        public void failed(int httpStatus, String reason, String message) {
            if (client.eventLoop().inEventLoop()) {
                dialFailed(this, httpStatus, reason, message);
            } else {
                client.eventLoop().execute(() -> dialFailed(this, httpStatus, reason, message));
            }
        }
    }

    private void established(Attempt done, Channel data, Relay relay, String connectionId) {
        if (attempt != done || !client.isActive()) {
            data.close();
            return;
        }
        attempt = null;
        upstream = data;
        upstreamRelay = relay;
        upstreamTarget = done.target;
        upstreamTunnel = done.key;
        LOG.debugf("proxy connected account=%s port=%d tunnel=%s connection=%s destination=%s",
                done.key.accountId(), done.key.port(), done.tunnel.tunnelId(), connectionId, done.target);
        if (done.connect) {
            state = State.CONNECT_RELAY; // the 200 went out when the data connection arrived
        } else {
            state = State.HTTP_RELAY;
            data.write(done.request, data.voidPromise());
        }
        while (!queued.isEmpty()) {
            forwardNoFlush(queued.poll());
        }
        queuedBytes = 0;
        data.flush();
        client.config().setAutoRead(true);
        data.config().setAutoRead(true);
    }

    private void dialFailed(Attempt failed, int status, String reason, String message) {
        if (attempt != failed) {
            return;
        }
        attempt = null;
        refuse(status, reason, message, null);
    }

    private void forward(Object msg) {
        forwardNoFlush(msg);
        Relay.pauseIfPeerFull(client, upstream);
    }

    private void forwardNoFlush(Object msg) {
        long size = Relay.size(msg);
        tunnel.bytesIn().add(size);
        metrics.bytesIn().add(size);
        upstream.write(msg, upstream.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstream != null && (state == State.CONNECT_RELAY || state == State.HTTP_RELAY)) {
            upstream.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null) {
            Relay.resumeIfWritable(client, upstream);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        metrics.connectionClosed();
        state = State.CLOSING;
        sourceSlot.release();
        if (capsHold != null) {
            capsHold.release();
        }
        if (attempt != null) {
            dialer.cancel(attempt.pending);
            attempt = null;
        }
        releaseQueued();
        if (upstream != null) {
            Carrier.finish(upstream); // END on a reusable data connection (it goes back to the pool), else close
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            metrics.error("IDLE_TIMEOUT");
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debugf("proxy connection failed: %s", cause.toString());
        ctx.close();
    }

    private void dropUpstream() {
        if (upstream != null) {
            upstreamRelay.detach();
            Carrier.finish(upstream);
            upstream = null;
            upstreamRelay = null;
            upstreamTarget = null;
            upstreamTunnel = null;
        }
    }

    /**
     * Answers with an error and closes; nothing was forwarded for this request. The close lingers (see
     * {@link LingeringClose}): a client still sending, say, a head far over the limit would otherwise get a reset
     * instead of the answer.
     */
    private void refuse(int status, String reason, String message, BuildCredential credential) {
        metrics.error(reason);
        LOG.infof("proxy refused status=%d reason=%s account=%s port=%s: %s", status, reason,
                credential == null ? (tunnel == null ? "-" : tunnel.key().accountId()) : credential.accountId(),
                credential == null ? (tunnel == null ? "-" : String.valueOf(tunnel.key().port()))
                        : String.valueOf(credential.port()), message);
        state = State.CLOSING;
        releaseQueued();
        dropUpstream();
        LingeringClose.answer(context, ProxyResponses.error(client.alloc(), status, message));
    }

    /**
     * Holds what the client sends while its dial is in flight. Reading goes on (so a hang-up is seen at once and its
     * pending dial ends) until MAX_QUEUED bytes wait; then reading pauses until the relay starts.
     */
    private void queue(Object msg) {
        queued.add(msg);
        queuedBytes += Relay.size(msg);
        if (queuedBytes > MAX_QUEUED) {
            client.config().setAutoRead(false);
        }
    }

    private void releaseQueued() {
        while (!queued.isEmpty()) {
            ReferenceCountUtil.release(queued.poll());
        }
        queuedBytes = 0;
    }
}
