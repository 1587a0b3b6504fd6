package io.secureconnect.gateway.agentlink;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.data.DataPools;
import io.secureconnect.gateway.keys.KeyValidatorClient;
import io.secureconnect.gateway.threads.GatewayScheduler;
import io.secureconnect.gateway.tunnel.Dialer;
import io.secureconnect.gateway.tunnel.TunnelManager;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.TunnelServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * TunnelService.Connect: one {@link AgentSession} per agent stream. Also the watchdog that ends sessions silent for
 * three heartbeat intervals (or that never said Hello). Not a CDI bean: Quarkus would serve any bean that is a
 * BindableService on its own gRPC server, and this one belongs on the agent endpoint's TLS server only.
 */
final class AgentTunnelService extends TunnelServiceGrpc.TunnelServiceImplBase {

    final KeyValidatorClient keys;
    final TunnelManager tunnels;
    final Dialer dialer;
    final DataPools pools;
    final GatewaySettings settings;
    private final GatewayScheduler scheduler;
    private final Set<AgentSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile String dataEndpoint;

    AgentTunnelService(KeyValidatorClient keys, TunnelManager tunnels, Dialer dialer, DataPools pools,
            GatewaySettings settings, GatewayScheduler scheduler) {
        this.keys = keys;
        this.tunnels = tunnels;
        this.dialer = dialer;
        this.pools = pools;
        this.settings = settings;
        this.scheduler = scheduler;
    }

    /** Starts the watchdog; {@code dataEndpoint} is host:port told to agents in Welcome. */
    void start(String dataEndpoint) {
        this.dataEndpoint = dataEndpoint;
        long interval = settings.heartbeatInterval().toMillis();
        scheduler.every(this::sweep, interval, TimeUnit.MILLISECONDS);
    }

    String dataEndpoint() {
        return dataEndpoint;
    }

    /**
     * Connect with its requests parsed here rather than by grpc-java, which answers bytes that are not an AgentMessage
     * with UNKNOWN "Application error processing RPC" and logs a stack trace per message (before any key check).
     * Such bytes end the stream as every other refusal does: Goodbye, INVALID_ARGUMENT with reason MESSAGE_MALFORMED.
     */
    @Override
    public ServerServiceDefinition bindService() {
        MethodDescriptor<AgentMessage, GatewayMessage> method = TunnelServiceGrpc.getConnectMethod();
        MethodDescriptor<byte[], GatewayMessage> bytesIn = method.toBuilder(RAW, method.getResponseMarshaller()).build();
        return ServerServiceDefinition.builder(TunnelServiceGrpc.SERVICE_NAME)
                .addMethod(bytesIn, ServerCalls.asyncBidiStreamingCall(responses -> {
                    AgentSession session = (AgentSession) connect(responses);
                    return new StreamObserver<byte[]>() {
                        @Override
                        public void onNext(byte[] message) {
                            AgentMessage parsed;
                            try {
                                parsed = AgentMessage.parseFrom(message);
                            } catch (InvalidProtocolBufferException e) {
                                session.malformed();
                                return;
                            }
                            session.onNext(parsed);
                        }

                        @Override
                        public void onError(Throwable failure) {
                            session.onError(failure);
                        }

                        @Override
                        public void onCompleted() {
                            session.onCompleted();
                        }
                    };
                }))
                .build();
    }

    /** A request as it came off the wire (at most the endpoint's maxInboundMessageSize). */
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("the message could not be read").asRuntimeException();
            }
        }
    };

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<GatewayMessage> responses) {
        AgentSession session = new AgentSession(this, (ServerCallStreamObserver<GatewayMessage>) responses,
                ApiKeyInterceptor.API_KEY.get(), ApiKeyInterceptor.CLIENT_ADDRESS.get());
        sessions.add(session);
        return session;
    }

    void ended(AgentSession session) {
        sessions.remove(session);
    }

    private void sweep() {
        long silentNanos = 3 * settings.heartbeatInterval().toNanos();
        long now = System.nanoTime();
        for (AgentSession session : sessions) {
            if (now - session.lastSeenNanos() > silentNanos) {
                session.silent();
            }
        }
    }
}
