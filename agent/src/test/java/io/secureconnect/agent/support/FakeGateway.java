package io.secureconnect.agent.support;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.DialResult;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.Goodbye;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import io.secureconnect.proto.tunnel.v1.HeartbeatAck;
import io.secureconnect.proto.tunnel.v1.TunnelServiceGrpc;
import io.secureconnect.proto.tunnel.v1.Welcome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A small stand-in for the gateway's agent endpoint, only as much as the agent's side of the protocol needs:
 * gRPC over TLS (a cert from {@link TestPki}) on a port-0 listener, one {@link Session} per Connect call that the
 * test scripts (Welcome, DialRequest, Goodbye, drop), and a TLS data endpoint ({@link DataEndpoint}). It does
 * not validate keys or lease ports: the real gateway's pairing with this agent is covered by the e2e suite.
 */
public final class FakeGateway implements AutoCloseable {

    private static final Context.Key<Metadata> HEADERS = Context.key("headers");

    private final Server server;
    private final DataEndpoint data;
    private final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();
    private volatile boolean autoAck = true;

    public FakeGateway(TestPki pki) throws IOException {
        this.data = new DataEndpoint(pki);
        ServerInterceptor captureHeaders = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
            }
        };
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(pki.serverPem().toFile(), pki.serverKey().toFile()).build())
                .addService(ServerInterceptors.intercept(new Service(), captureHeaders))
                .build()
                .start();
    }

    public int port() {
        return server.getPort();
    }

    public DataEndpoint data() {
        return data;
    }

    /** Whether HeartbeatAcks are sent (off: a gateway that went silent). */
    public void autoAck(boolean on) {
        autoAck = on;
    }

    /** The next Connect call, waiting up to the timeout; null when none came. */
    public Session nextSession(Duration timeout) throws InterruptedException {
        return sessions.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        data.close();
    }

    private final class Service extends TunnelServiceGrpc.TunnelServiceImplBase {
        @Override
        public StreamObserver<AgentMessage> connect(StreamObserver<GatewayMessage> responses) {
            Session session = new Session(HEADERS.get(), responses);
            sessions.add(session);
            return session.inbound;
        }
    }

    /** One agent stream as the gateway sees it. */
    public final class Session {
        private final Metadata headers;
        private final StreamObserver<GatewayMessage> out;
        private final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile Status endStatus;
        final StreamObserver<AgentMessage> inbound = new StreamObserver<>() {
            @Override
            public void onNext(AgentMessage message) {
                if (message.hasHeartbeat() && autoAck) {
                    send(GatewayMessage.newBuilder().setHeartbeatAck(HeartbeatAck.newBuilder()
                            .setSequence(message.getHeartbeat().getSequence())).build());
                }
                received.add(message);
            }

            @Override
            public void onError(Throwable error) {
                endStatus = Status.fromThrowable(error);
                ended.countDown();
            }

            @Override
            public void onCompleted() {
                endStatus = Status.OK;
                synchronized (Session.this) {
                    try {
                        out.onCompleted();
                    } catch (IllegalStateException alreadyClosed) {
                        // the test closed it first
                    }
                }
                ended.countDown();
            }
        };

        Session(Metadata headers, StreamObserver<GatewayMessage> out) {
            this.headers = headers;
            this.out = out;
        }

        public Metadata headers() {
            return headers;
        }

        public synchronized void send(GatewayMessage message) {
            out.onNext(message);
        }

        /** The next message the agent sent (heartbeats included), or null after the timeout. */
        public AgentMessage next(Duration timeout) throws InterruptedException {
            return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The next message of the given kind, skipping others (e.g. heartbeats); fails after the timeout. */
        public AgentMessage next(AgentMessage.KindCase kind, Duration timeout) throws InterruptedException {
            AgentMessage message = poll(kind, timeout);
            if (message == null) {
                throw new AssertionError("no " + kind + " from the agent within " + timeout);
            }
            return message;
        }

        /** Like {@link #next(AgentMessage.KindCase, Duration)}, but null when none came. */
        public AgentMessage poll(AgentMessage.KindCase kind, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                AgentMessage message = received.poll(10, TimeUnit.MILLISECONDS);
                if (message != null && message.getKindCase() == kind) {
                    return message;
                }
            }
            return null;
        }

        public void welcome(String tunnelId, int port, boolean resumed, Duration heartbeat) {
            send(GatewayMessage.newBuilder().setWelcome(welcomeOf(tunnelId, port, resumed, heartbeat)).build());
        }

        /** Welcome offering a pool of parked data connections. */
        public void welcome(String tunnelId, int port, Duration heartbeat, io.secureconnect.proto.tunnel.v1.DataPool pool) {
            send(GatewayMessage.newBuilder().setWelcome(welcomeOf(tunnelId, port, false, heartbeat).setDataPool(pool))
                    .build());
        }

        /** Welcome with the given data_endpoint text (":port", "host:port"), and a pool when one is given. */
        public void welcome(String tunnelId, int port, Duration heartbeat, String dataEndpoint,
                            io.secureconnect.proto.tunnel.v1.DataPool pool) {
            Welcome.Builder welcome = welcomeOf(tunnelId, port, false, heartbeat).setDataEndpoint(dataEndpoint);
            if (pool != null) {
                welcome.setDataPool(pool);
            }
            send(GatewayMessage.newBuilder().setWelcome(welcome).build());
        }

        private Welcome.Builder welcomeOf(String tunnelId, int port, boolean resumed, Duration heartbeat) {
            return Welcome.newBuilder()
                    .setTunnelId(tunnelId).setPort(port).setGatewayId("gw-test").setEpoch(1).setResumed(resumed)
                    .setHeartbeatInterval(com.google.protobuf.Duration.newBuilder()
                            .setSeconds(heartbeat.getSeconds()).setNanos(heartbeat.getNano()))
                    .setDataEndpoint("127.0.0.1:" + data.port());
        }

        public void dial(String connectionId, String host, int port, byte[] ticket, Duration timeout) {
            send(GatewayMessage.newBuilder().setDialRequest(DialRequest.newBuilder()
                    .setConnectionId(connectionId).setHost(host).setPort(port).setTicket(ByteString.copyFrom(ticket))
                    .setTimeout(com.google.protobuf.Duration.newBuilder()
                            .setSeconds(timeout.getSeconds()).setNanos(timeout.getNano()))).build());
        }

        public DialResult dialResult(Duration timeout) throws InterruptedException {
            return next(AgentMessage.KindCase.DIAL_RESULT, timeout).getDialResult();
        }

        /** HandOver: this gateway is going away; the agent opens a stream elsewhere and keeps this one meanwhile. */
        public void handOver(Duration deadline) {
            send(GatewayMessage.newBuilder().setHandOver(io.secureconnect.proto.tunnel.v1.HandOver.newBuilder()
                    .setMessage("shutting down").setDeadline(com.google.protobuf.Duration.newBuilder()
                            .setSeconds(deadline.getSeconds()).setNanos(deadline.getNano()))).build());
        }

        /** Goodbye, then the stream ends with the status (as the real gateway does). */
        public synchronized void goodbye(GoodbyeReason reason, String message, boolean retryable, Status status) {
            out.onNext(GatewayMessage.newBuilder().setGoodbye(Goodbye.newBuilder()
                    .setReason(reason).setMessage(message).setRetryable(retryable)).build());
            out.onError(status.asRuntimeException());
        }

        /** Ends the stream with a status and no Goodbye (a gateway crash or network loss looks like this). */
        public synchronized void drop(Status status) {
            out.onError(status.asRuntimeException());
        }

        /** Ends the stream with a status and trailers (e.g. secureconnect-reason), no Goodbye. */
        public synchronized void drop(Status status, Metadata trailers) {
            out.onError(status.asRuntimeException(trailers));
        }

        /** Waits for the agent's side of the stream to end; its status (OK when the agent completed it). */
        public Status awaitEnd(Duration timeout) throws InterruptedException {
            return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? endStatus : null;
        }
    }
}
