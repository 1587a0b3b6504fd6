package io.secureconnect.gateway.support;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.TunnelServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A client of TunnelService.Connect that sends whatever bytes it is given as messages, the way a rogue or broken
 * agent could: no check of its own, no protobuf encoding forced on it. It reads the gateway's messages and how the
 * gateway ended the stream.
 */
public final class RawAgentStream implements AutoCloseable {

    /** Bytes in, bytes out: the gateway's own marshaller is the only one that parses them. */
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<byte[], byte[]> CONNECT = TunnelServiceGrpc.getConnectMethod()
            .toBuilder(BYTES, BYTES).build();
    private static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    /** How the gateway ended the stream: its status and the secureconnect-reason trailer ("" when none). */
    public record Closed(Status status, String reason) {
    }

    private final ManagedChannel channel;
    private final ClientCall<byte[], byte[]> call;
    private final List<GatewayMessage> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();

    public RawAgentStream(int agentPort, TestTls tls, String apiKey) throws IOException {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", agentPort)
                .sslContext(GrpcSslContexts.forClient().trustManager(tls.ca().toFile()).build())
                .maxInboundMessageSize(1024 * 1024).build();
        call = channel.newCall(CONNECT, CallOptions.DEFAULT);
        Metadata headers = new Metadata();
        if (apiKey != null) {
            headers.put(API_KEY, apiKey);
        }
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                try {
                    received.add(GatewayMessage.parseFrom(message));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                call.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                String reason = trailers.get(Metadata.Key.of("secureconnect-reason", Metadata.ASCII_STRING_MARSHALLER));
                closed.complete(new Closed(status, reason == null ? "" : reason));
            }
        }, headers);
        call.request(1);
    }

    public synchronized void send(byte[] message) {
        call.sendMessage(message);
    }

    public void send(AgentMessage message) {
        send(message.toByteArray());
    }

    public List<GatewayMessage> received() {
        return received;
    }

    /** Waits for the gateway to end the stream (a bound on waiting, not on speed). */
    public Closed closed() throws Exception {
        return closed.get(15, TimeUnit.SECONDS);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Waits until the gateway has sent this many messages. */
    public GatewayMessage awaitMessage(int index) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (received.size() <= index) {
            if (System.nanoTime() > deadline || closed.isDone() && received.size() <= index) {
                throw new AssertionError("no message " + index + " from the gateway; received " + received
                        + (closed.isDone() ? ", closed with " + closed.join() : ""));
            }
            Thread.sleep(10);
        }
        return received.get(index);
    }

    @Override
    public void close() {
        try {
            call.cancel("test done", null);
        } catch (RuntimeException e) {
            // already closed
        }
        channel.shutdownNow();
    }
}
