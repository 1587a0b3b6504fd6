package io.secureconnect.gateway.agentlink;

import com.google.protobuf.Duration;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.keys.DenialReasons;
import io.secureconnect.gateway.data.DataPools;
import io.secureconnect.gateway.keys.KeyCheck;
import io.secureconnect.gateway.tunnel.AgentLink;
import io.secureconnect.gateway.tunnel.Refusal;
import io.secureconnect.gateway.tunnel.Tunnel;
import io.secureconnect.gateway.tunnel.TunnelManager;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.Goodbye;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import io.secureconnect.proto.tunnel.v1.HandOver;
import io.secureconnect.proto.tunnel.v1.HeartbeatAck;
import io.secureconnect.proto.tunnel.v1.Hello;
import io.secureconnect.proto.tunnel.v1.Welcome;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One agent's control stream: Hello, admission (key, then lease), Welcome, heartbeats, dial results, drain, and the
 * Goodbye that ends it. Inbound messages arrive one at a time; sends are serialised here.
 */
final class AgentSession implements StreamObserver<AgentMessage>, AgentLink {

    private static final Logger LOG = Logger.getLogger(AgentSession.class);

    private final AgentTunnelService service;
    private final ServerCallStreamObserver<GatewayMessage> out;
    private final AtomicBoolean ended = new AtomicBoolean();
    private String apiKey;
    private final String clientAddress;
    private volatile long lastSeenNanos = System.nanoTime();
    private volatile boolean helloSeen;
    private volatile Tunnel tunnel;
    private volatile DataPools.Pool pool;
    private volatile boolean draining;
    private volatile boolean closed;
    private volatile String agentId = "";
    private volatile String tokenId = "";

    AgentSession(AgentTunnelService service, ServerCallStreamObserver<GatewayMessage> out, String apiKey,
            String clientAddress) {
        this.service = service;
        this.out = out;
        this.apiKey = apiKey;
        this.clientAddress = clientAddress;
        out.setOnCancelHandler(() -> ended("the agent's stream was cancelled"));
    }

    @Override
    public void onNext(AgentMessage message) {
        lastSeenNanos = System.nanoTime();
        switch (message.getKindCase()) {
            case HELLO -> hello(message.getHello());
            case HEARTBEAT -> {
                if (requireHello()) {
                    send(GatewayMessage.newBuilder().setHeartbeatAck(HeartbeatAck.newBuilder()
                            .setSequence(message.getHeartbeat().getSequence())).build());
                }
            }
            case DIAL_RESULT -> {
                if (requireHello()) {
                    service.dialer.failed(this, message.getDialResult());
                }
            }
            case DRAINING -> {
                if (requireHello()) {
                    draining = true;
                    LOG.infof("agent draining %s agent=%s", tunnel, agentId);
                }
            }
            default -> {
                // A kind added after this gateway was built: ignored, as the protocol says.
            }
        }
    }

    /** The agent sent bytes that are not an AgentMessage: the stream ends, as for any other refusal. */
    void malformed() {
        lastSeenNanos = System.nanoTime();
        refuse(new Refusal(Status.Code.INVALID_ARGUMENT, "MESSAGE_MALFORMED", GoodbyeReason.GOODBYE_REASON_UNSPECIFIED,
                false, "a message is not a TunnelService AgentMessage"));
    }

    @Override
    public void onError(Throwable failure) {
        ended("the agent's stream failed: " + Status.fromThrowable(failure).getCode());
    }

    @Override
    public void onCompleted() {
        ended("the agent closed its stream");
        synchronized (this) {
            if (!closed) {
                closed = true;
                out.onCompleted();
            }
        }
    }

    private boolean requireHello() {
        if (tunnel != null) {
            return true;
        }
        refuse(new Refusal(Status.Code.FAILED_PRECONDITION, "HELLO_EXPECTED", GoodbyeReason.GOODBYE_REASON_UNSPECIFIED,
                false, "the first message must be Hello, and only an admitted agent may send others"));
        return false;
    }

    private void hello(Hello hello) {
        if (helloSeen) {
            refuse(new Refusal(Status.Code.FAILED_PRECONDITION, "HELLO_REPEATED",
                    GoodbyeReason.GOODBYE_REASON_UNSPECIFIED, false, "Hello may be sent only once"));
            return;
        }
        helloSeen = true;
        agentId = hello.getAgentId();
        String key = apiKey;
        apiKey = null;
        try {
            KeyCheck.Valid valid = validate(key);
            tokenId = valid.tokenId();
            TunnelManager.Joined joined = service.tunnels.join(valid, hello.getRemotePort(),
                    new TunnelManager.AgentInfo(hello.getAgentId(), hello.getHostname(), hello.getAgentVersion()),
                    this);
            tunnel = joined.tunnel();
            if (ended.get()) {
                service.tunnels.leave(joined.tunnel(), this);
                return;
            }
            Tunnel t = joined.tunnel();
            long interval = service.settings.heartbeatInterval().toMillis();
            Welcome.Builder welcome = Welcome.newBuilder().setTunnelId(t.tunnelId())
                    .setPort(t.key().port()).setGatewayId(service.settings.gatewayId()).setEpoch(t.epoch())
                    .setHeartbeatInterval(Duration.newBuilder().setSeconds(interval / 1000)
                            .setNanos((int) (interval % 1000) * 1_000_000))
                    .setDataEndpoint(service.dataEndpoint()).setResumed(joined.resumed());
            DataPools.Pool opened = service.pools.open(t.tunnelId());
            pool = opened;
            if (ended.get()) {
                service.pools.close(opened); // the stream ended meanwhile: ended() may have missed the pool
            } else if (opened != null) {
                welcome.setDataPool(service.pools.terms(opened));
            }
            send(GatewayMessage.newBuilder().setWelcome(welcome).build());
            LOG.infof("agent connected %s agent=%s host=%s version=%s agents=%d", t, agentId,
                    hello.getHostname(), hello.getAgentVersion(), t.agentCount());
        } catch (Refusal refusal) {
            refuse(refusal);
        }
    }

    private KeyCheck.Valid validate(String key) throws Refusal {
        if (key == null || key.isEmpty()) {
            throw new Refusal(Status.Code.UNAUTHENTICATED, "API_KEY_MISSING", GoodbyeReason.GOODBYE_REASON_UNSPECIFIED,
                    false, "the call carries no x-api-key metadata");
        }
        KeyCheck check = service.keys.check(key, clientAddress);
        if (check instanceof KeyCheck.Valid valid) {
            return valid;
        }
        if (check instanceof KeyCheck.Denied denied) {
            GoodbyeReason goodbye = switch (denied.reason()) {
                case DENIAL_REASON_REVOKED -> GoodbyeReason.GOODBYE_REASON_KEY_REVOKED;
                default -> GoodbyeReason.GOODBYE_REASON_UNSPECIFIED;
            };
            throw new Refusal(denied.forbidden() ? Status.Code.PERMISSION_DENIED : Status.Code.UNAUTHENTICATED,
                    "KEY_" + DenialReasons.name(denied.reason()), goodbye, false, denied.message());
        }
        if (check instanceof KeyCheck.Throttled throttled) {
            throw new Refusal(Status.Code.RESOURCE_EXHAUSTED, "KEY_CHECKS_THROTTLED",
                    GoodbyeReason.GOODBYE_REASON_UNSPECIFIED, true, "too many failed API key checks from this "
                            + "address; retry after " + throttled.retryAfterSeconds() + " s");
        }
        throw Refusal.unavailable("KEY_VALIDATOR_UNAVAILABLE", ((KeyCheck.Unavailable) check).message());
    }

    private void refuse(Refusal refusal) {
        LOG.infof("agent refused agent=%s reason=%s status=%s: %s", agentId, refusal.reason(), refusal.code(),
                refusal.getMessage());
        goodbye(refusal.goodbye(), refusal.retryable(), refusal.code(), refusal.reason(), refusal.getMessage());
    }

    /** Silent for three heartbeat intervals (or never said Hello): gone. */
    void silent() {
        goodbye(GoodbyeReason.GOODBYE_REASON_UNSPECIFIED, true, Status.Code.UNAVAILABLE, "HEARTBEAT_TIMEOUT",
                "no heartbeat for three heartbeat intervals");
    }

    long lastSeenNanos() {
        return lastSeenNanos;
    }

    private void ended(String why) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        service.ended(this);
        service.pools.close(pool);
        Tunnel current = tunnel;
        if (current != null) {
            LOG.infof("agent disconnected %s agent=%s: %s", current, agentId, why);
            service.tunnels.leave(current, this);
        }
    }

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public String tokenId() {
        return tokenId;
    }

    @Override
    public boolean acceptsDials() {
        return !closed && !draining && !ended.get() && tunnel != null;
    }

    @Override
    public boolean draining() {
        return draining && !closed && !ended.get();
    }

    @Override
    public io.netty.channel.Channel takeParked(io.netty.channel.EventLoop preferred) {
        return service.pools.take(pool, preferred);
    }

    @Override
    public boolean sendDial(DialRequest request) {
        return send(GatewayMessage.newBuilder().setDialRequest(request).build());
    }

    @Override
    public void handOver(java.time.Duration deadline) {
        send(GatewayMessage.newBuilder().setHandOver(HandOver.newBuilder()
                .setDeadline(Duration.newBuilder().setSeconds(deadline.getSeconds()).setNanos(deadline.getNano()))
                .setMessage("the gateway is shutting down: open a stream to another gateway; this one serves until"
                        + " then")).build());
    }

    @Override
    public void goodbye(GoodbyeReason reason, boolean retryable, Status.Code code, String grpcReason,
            String message) {
        sayGoodbye(reason, retryable, code, grpcReason, message);
        ended("goodbye " + grpcReason + ": " + message);
    }

    private synchronized void sayGoodbye(GoodbyeReason reason, boolean retryable, Status.Code code,
            String grpcReason, String message) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.onNext(GatewayMessage.newBuilder().setGoodbye(Goodbye.newBuilder().setReason(reason)
                    .setMessage(message).setRetryable(retryable)).build());
            out.onError(GrpcFailure.of(code, grpcReason, message));
        } catch (IllegalStateException | StatusRuntimeException e) {
            // The stream is already gone: nothing more to say.
        }
    }

    private synchronized boolean send(GatewayMessage message) {
        if (closed) {
            return false;
        }
        try {
            out.onNext(message);
            return true;
        } catch (IllegalStateException | StatusRuntimeException e) {
            return false;
        }
    }
}
