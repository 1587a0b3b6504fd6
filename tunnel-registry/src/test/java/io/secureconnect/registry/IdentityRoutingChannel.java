package io.secureconnect.registry;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.testing.TestChannels;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test client that calls as the gateway its request names: each call waits for its first message, reads the
 * message's {@code gateway_id} (or {@code gateway.gateway_id}), and goes out over a TLS channel presenting that
 * gateway's certificate of the test PKI. A request that names no gateway (FindTunnels) goes as connector-policy;
 * one whose gateway id could not be a certificate name goes as {@link #FALLBACK_GATEWAY}. So the existing lease and
 * gateway tests run against the real identity checks, each gateway acting as itself.
 */
final class IdentityRoutingChannel extends Channel {

    static final String FALLBACK_GATEWAY = "gateway/gw-fallback";
    private final int port;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    IdentityRoutingChannel(int port) {
        this.port = port;
    }

    /** The channel of one identity, e.g. {@code gateway/gw-1}. */
    ManagedChannel as(String peer) {
        return channels.computeIfAbsent(peer, name -> TestChannels.as(name, port));
    }

    void shutdownNow() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }

    void awaitTermination(long time, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        for (ManagedChannel channel : channels.values()) {
            channel.awaitTermination(time, unit);
        }
    }

    static String peerFor(Object message) {
        if (message instanceof Message proto) {
            String gatewayId = gatewayId(proto);
            if (gatewayId == null) {
                return "service/connector-policy";
            }
            return Peer.NAME.matcher(gatewayId).matches() ? "gateway/" + gatewayId : FALLBACK_GATEWAY;
        }
        return "service/connector-policy";
    }

    private static String gatewayId(Message message) {
        FieldDescriptor direct = message.getDescriptorForType().findFieldByName("gateway_id");
        if (direct != null) {
            return (String) message.getField(direct);
        }
        FieldDescriptor nested = message.getDescriptorForType().findFieldByName("gateway");
        if (nested != null && nested.getType() == FieldDescriptor.Type.MESSAGE) {
            return gatewayId((Message) message.getField(nested));
        }
        return null;
    }

    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
        return new RoutingCall<>(method, options);
    }

    @Override
    public String authority() {
        return "127.0.0.1:" + port;
    }

    private final class RoutingCall<Q, R> extends ClientCall<Q, R> {

        private final MethodDescriptor<Q, R> method;
        private final CallOptions options;
        private Listener<R> listener;
        private Metadata headers;
        private int requested;
        private ClientCall<Q, R> real;

        RoutingCall(MethodDescriptor<Q, R> method, CallOptions options) {
            this.method = method;
            this.options = options;
        }

        @Override
        public void start(Listener<R> responseListener, Metadata metadata) {
            listener = responseListener;
            headers = metadata;
        }

        @Override
        public void request(int count) {
            if (real != null) {
                real.request(count);
            } else {
                requested += count;
            }
        }

        @Override
        public void sendMessage(Q message) {
            if (real == null) {
                real = as(peerFor(message)).newCall(method, options);
                real.start(listener, headers);
                if (requested > 0) {
                    real.request(requested);
                }
            }
            real.sendMessage(message);
        }

        @Override
        public void halfClose() {
            real.halfClose();
        }

        @Override
        public void cancel(String message, Throwable cause) {
            if (real != null) {
                real.cancel(message, cause);
            } else if (listener != null) {
                listener.onClose(Status.CANCELLED.withDescription(message).withCause(cause), new Metadata());
            }
        }

        @Override
        public boolean isReady() {
            return real != null && real.isReady();
        }
    }
}
