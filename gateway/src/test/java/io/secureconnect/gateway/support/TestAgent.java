package io.secureconnect.gateway.support;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.DialResult;
import io.secureconnect.proto.tunnel.v1.DialStatus;
import io.secureconnect.proto.tunnel.v1.Draining;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.Goodbye;
import io.secureconnect.proto.tunnel.v1.Heartbeat;
import io.secureconnect.proto.tunnel.v1.Hello;
import io.secureconnect.proto.tunnel.v1.TunnelServiceGrpc;
import io.secureconnect.proto.tunnel.v1.Welcome;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;

/**
 * A small agent that follows the data-plane protocol (control stream + one TLS data connection per dial), because
 * the real agent is written concurrently. Blocking sockets and threads: simple beats fast here.
 */
public final class TestAgent implements AutoCloseable {

    /**
     * DIAL answers a dial on a new data connection, REFUSE with a DialResult, SILENT not at all. Connections parked
     * with {@link #park} answer a dial written on them (PARKED), never (PARKED_SILENT), or close instead, as when
     * the agent retires one at that moment (PARKED_CLOSING; dials on the control stream are answered).
     * PARKED_REUSABLE parks asking for reuse and relays in frames, then waits on the same connection for the next.
     */
    /** NO_DATA_CONNECTION: answers every dial as an agent whose data endpoint refuses it does. */
    public enum Mode { DIAL, PARKED, PARKED_SILENT, PARKED_CLOSING, PARKED_REUSABLE, REFUSE, NO_DATA_CONNECTION, SILENT }

    private static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    private final TestTls tls;
    private final ManagedChannel channel;
    private final StreamObserver<AgentMessage> requests;
    private final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final List<Goodbye> goodbyes = new CopyOnWriteArrayList<>();
    private final List<DialRequest> dials = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService pumps = Executors.newCachedThreadPool();
    private final AtomicLong sequence = new AtomicLong();
    private final List<DialRequest> written = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger dataConnections = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Mode mode;
    private volatile Throwable failure;

    private TestAgent(int agentPort, TestTls tls, String apiKey, int remotePort, Mode mode) throws IOException {
        this.tls = tls;
        this.mode = mode;
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", agentPort)
                .sslContext(GrpcSslContexts.forClient().trustManager(tls.ca().toFile()).build()).build();
        Metadata metadata = new Metadata();
        if (apiKey != null) {
            metadata.put(API_KEY, apiKey);
        }
        this.requests = TunnelServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
                .connect(new Responses());
        send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setRemotePort(remotePort)
                .setAgentId(UUID.randomUUID().toString()).setAgentVersion("test").setHostname("test-agent")).build());
    }

    public static TestAgent connect(int agentPort, TestTls tls, String apiKey, int remotePort, Mode mode)
            throws IOException {
        return new TestAgent(agentPort, tls, apiKey, remotePort, mode);
    }

    public Welcome welcome() throws Exception {
        return welcome.get(10, TimeUnit.SECONDS);
    }

    /** How the gateway ended the stream. */
    public Status closedWith() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    /** The secureconnect-reason trailer the gateway ended the stream with. */
    public String closedReason() throws Exception {
        closedWith();
        return failure == null ? "" : io.secureconnect.common.grpc.GrpcFailure.reason(failure).orElse("");
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public List<Goodbye> goodbyes() {
        return goodbyes;
    }

    public List<DialRequest> dials() {
        return dials;
    }

    public void mode(Mode mode) {
        this.mode = mode;
    }

    public void drain() {
        send(AgentMessage.newBuilder().setDraining(Draining.newBuilder()
                .setDeadline(com.google.protobuf.Duration.newBuilder().setSeconds(30))).build());
    }

    /** Ends the stream politely. */
    @Override
    public void close() {
        try {
            synchronized (requests) {
                requests.onCompleted();
            }
        } catch (RuntimeException e) {
            // already closed
        }
        shutdown();
    }

    /** Drops everything at once, like a killed process. */
    public void kill() {
        shutdown();
    }

    private void shutdown() {
        heartbeats.shutdownNow();
        pumps.shutdownNow();
        channel.shutdownNow();
    }

    private void send(AgentMessage message) {
        synchronized (requests) {
            requests.onNext(message);
        }
    }

    private final class Responses implements StreamObserver<GatewayMessage> {
        @Override
        public void onNext(GatewayMessage message) {
            switch (message.getKindCase()) {
                case WELCOME -> {
                    Welcome w = message.getWelcome();
                    long millis = w.getHeartbeatInterval().getSeconds() * 1000 + w.getHeartbeatInterval().getNanos()
                            / 1_000_000;
                    heartbeats.scheduleAtFixedRate(() -> send(AgentMessage.newBuilder().setHeartbeat(
                            Heartbeat.newBuilder().setSequence(sequence.incrementAndGet())).build()),
                            millis, millis, TimeUnit.MILLISECONDS);
                    welcome.complete(w);
                }
                case DIAL_REQUEST -> dial(message.getDialRequest());
                case GOODBYE -> goodbyes.add(message.getGoodbye());
                default -> {
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
            closed.complete(Status.fromThrowable(t));
            welcome.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            closed.complete(Status.OK);
        }
    }

    private void dial(DialRequest request) {
        dials.add(request);
        switch (mode) {
            case SILENT -> {
            }
            case REFUSE -> send(AgentMessage.newBuilder().setDialResult(DialResult.newBuilder()
                    .setConnectionId(request.getConnectionId()).setStatus(DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST)
                    .setMessage(request.getHost() + " is not in ALLOW")).build());
            case NO_DATA_CONNECTION -> send(AgentMessage.newBuilder().setDialResult(DialResult.newBuilder()
                    .setConnectionId(request.getConnectionId())
                    .setStatus(DialStatus.DIAL_STATUS_DATA_CONNECTION_FAILED)
                    .setMessage("connection refused by 127.0.0.1:1")).build());
            case DIAL, PARKED, PARKED_SILENT, PARKED_CLOSING, PARKED_REUSABLE ->
                    pumps.execute(() -> connect(request, null));
        }
    }

    /** Reaches the destination and answers on {@code data}, or on a new data connection when it is null. */
    private void connect(DialRequest request, SSLSocket parked) {
        Socket destination = new Socket();
        try {
            destination.setTcpNoDelay(true);
            destination.connect(new InetSocketAddress(request.getHost(), request.getPort()), 5000);
        } catch (IOException e) {
            closeQuietly(destination);
            if (parked != null) {
                closeQuietly(parked);
            }
            send(AgentMessage.newBuilder().setDialResult(DialResult.newBuilder()
                    .setConnectionId(request.getConnectionId()).setStatus(DialStatus.DIAL_STATUS_CONNECTION_REFUSED)
                    .setMessage(e.getMessage())).build());
            return;
        }
        try {
            Welcome w = welcome.get();
            SSLSocket data = parked != null ? parked : dataConnection();
            writePreamble(data, DataPreamble.newBuilder().setTunnelId(w.getTunnelId())
                    .setConnectionId(request.getConnectionId()).setTicket(request.getTicket()).build());
            InputStream destinationIn = destination.getInputStream();
            OutputStream destinationOut = destination.getOutputStream();
            InputStream dataIn = data.getInputStream();
            OutputStream dataOut = data.getOutputStream();
            pumps.execute(() -> pump(destinationIn, dataOut, destination, data));
            pump(dataIn, destinationOut, destination, data);
        } catch (Exception e) {
            closeQuietly(destination);
        }
    }

    /** Waits on a parked connection for the DialRequest the gateway writes on it (4-byte length, message). */
    private void awaitWrittenDial(SSLSocket parked) {
        try {
            java.io.DataInputStream in = new java.io.DataInputStream(parked.getInputStream());
            int length = in.readInt();
            DialRequest request = DialRequest.parseFrom(in.readNBytes(length));
            written.add(request);
            if (mode == Mode.PARKED_REUSABLE) {
                Socket destination = new Socket(request.getHost(), request.getPort());
                destination.setTcpNoDelay(true);
                writePreamble(parked, DataPreamble.newBuilder().setTunnelId(welcome.get().getTunnelId())
                        .setConnectionId(request.getConnectionId()).setTicket(request.getTicket()).build());
                FramedRelay.relay(destination, parked, pumps);
                awaitWrittenDial(parked); // END went both ways: parked again, on the same connection
            } else if (mode == Mode.PARKED) {
                connect(request, parked);
            } else if (mode == Mode.PARKED_CLOSING) {
                closeQuietly(parked);
            }
        } catch (IOException | InterruptedException | java.util.concurrent.ExecutionException e) {
            // closed while parked
        }
    }

    /** TLS connections opened to the data endpoint. */
    public int dataConnectionsOpened() {
        return dataConnections.get();
    }

    /** Dials the gateway wrote on parked connections (not on the control stream). */
    public List<DialRequest> writtenDials() {
        return written;
    }

    /** A new TLS connection to the gateway's data endpoint, handshake done. */
    public SSLSocket dataConnection() throws Exception {
        dataConnections.incrementAndGet();
        String endpoint = welcome().getDataEndpoint();
        int colon = endpoint.lastIndexOf(':');
        // Port only: the host this agent dialled for its stream, as the real agent does.
        String host = colon == 0 ? "127.0.0.1" : endpoint.substring(0, colon);
        SSLSocket data = (SSLSocket) tls.clientContext().getSocketFactory()
                .createSocket(host, Integer.parseInt(endpoint.substring(colon + 1)));
        data.setTcpNoDelay(true);
        data.startHandshake();
        return data;
    }

    /** Parks a new data connection with this stream's pool (in the PARKED modes, it then awaits a written dial). */
    public SSLSocket park() throws Exception {
        Welcome w = welcome();
        SSLSocket data = dataConnection();
        writePreamble(data, DataPreamble.newBuilder().setTunnelId(w.getTunnelId())
                .setConnectionId(w.getDataPool().getPoolId()).setTicket(w.getDataPool().getTicket()).setPark(true)
                .setReusable(mode == Mode.PARKED_REUSABLE).build());
        if (mode == Mode.PARKED || mode == Mode.PARKED_SILENT || mode == Mode.PARKED_CLOSING
                || mode == Mode.PARKED_REUSABLE) {
            pumps.execute(() -> awaitWrittenDial(data));
        }
        return data;
    }

    /** Writes a preamble: 4-byte big-endian length, then the message. */
    public static void writePreamble(Socket data, DataPreamble preamble) throws IOException {
        byte[] bytes = preamble.toByteArray();
        DataOutputStream out = new DataOutputStream(data.getOutputStream());
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static void pump(InputStream in, OutputStream out, Closeable a, Closeable b) {
        byte[] buffer = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other side closed
        } finally {
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
