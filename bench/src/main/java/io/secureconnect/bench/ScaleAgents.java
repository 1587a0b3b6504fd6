package io.secureconnect.bench;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContext;
import io.secureconnect.proto.CallMetadata;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.Heartbeat;
import io.secureconnect.proto.tunnel.v1.Hello;
import io.secureconnect.proto.tunnel.v1.TunnelServiceGrpc;
import io.secureconnect.proto.tunnel.v1.Welcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Many agents in one process, each as a real agent looks to the gateway: its own TCP + TLS connection to the agent
 * endpoint, one TunnelService.Connect stream with the API key in {@code x-api-key}, Hello, then a Heartbeat every
 * interval the Welcome names. Agent {@code i} opens port {@code 30000 + i % 100} of account {@code i / 100} (a tunnel is
 * an account and a port, so 100 per account). Optionally parks data connections (raw TLS to the data endpoint, a
 * parking preamble with the Welcome's pool ticket) as the real agent does ahead of demand. For comparison, bare
 * connections: TLS + HTTP/2 to the agent endpoint with no call on them.
 */
final class ScaleAgents implements AutoCloseable {

    static final int PORTS_PER_ACCOUNT = 100;
    private static final Metadata.Key<String> API_KEY = CallMetadata.API_KEY;

    /** An account and a token of its agent key. */
    record Credential(String account, String token) {
    }

    private final class Agent {
        final ManagedChannel channel;
        final CompletableFuture<Welcome> welcome = new CompletableFuture<>();
        final java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        StreamObserver<AgentMessage> requests;
        long sequence;

        Agent(ManagedChannel channel) {
            this.channel = channel;
        }

        synchronized void send(AgentMessage message) {
            requests.onNext(message);
        }
    }

    private final String host;
    private final int agentPort;
    private final int dataPort;
    private final List<Credential> credentials;
    private final SslContext grpcTls;
    private final SSLContext dataTls;
    private final List<Agent> agents = new CopyOnWriteArrayList<>();
    private final List<ManagedChannel> bare = new ArrayList<>();
    private final List<Socket> parked = new ArrayList<>();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicReference<String> firstLoss = new AtomicReference<>();
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "heartbeats");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean heartbeating;
    private volatile long heartbeatRounds;
    private volatile long worstHeartbeatGapMillis;

    ScaleAgents(String host, int agentPort, int dataPort, Path caPem, List<Credential> credentials) {
        this.host = host;
        this.agentPort = agentPort;
        this.dataPort = dataPort;
        this.credentials = credentials;
        try {
            grpcTls = GrpcSslContexts.forClient().trustManager(caPem.toFile()).build();
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(caPem)) {
                trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            dataTls = SSLContext.getInstance("TLS");
            dataTls.init(null, trustManagers.getTrustManagers(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The most tunnels the credentials allow. */
    int capacity() {
        return credentials.size() * PORTS_PER_ACCOUNT;
    }

    int open() {
        return agents.size();
    }

    /** Agents whose stream ended after their Welcome (the gateway dropped them), and the first reason. */
    int lost() {
        return lost.get();
    }

    String firstLoss() {
        return firstLoss.get();
    }

    /** Opens agents until {@code target} are admitted, {@code inFlight} admissions at a time. */
    void openTo(int target, int inFlight) throws InterruptedException {
        if (target > capacity()) {
            throw new IllegalArgumentException(target + " tunnels need " + (target + 99) / 100 + " accounts, got "
                    + credentials.size());
        }
        Semaphore permits = new Semaphore(inFlight);
        List<CompletableFuture<Welcome>> welcomes = new ArrayList<>();
        for (int i = agents.size(); i < target; i++) {
            permits.acquire();
            CompletableFuture<Welcome> welcome = start(i);
            welcome.whenComplete((w, e) -> permits.release());
            welcomes.add(welcome);
        }
        for (CompletableFuture<Welcome> welcome : welcomes) {
            try {
                Welcome w = welcome.get(60, TimeUnit.SECONDS);
                startHeartbeats(w);
            } catch (Exception e) {
                throw new IllegalStateException("an agent was not admitted: " + e.getMessage(), e);
            }
        }
    }

    private CompletableFuture<Welcome> start(int index) {
        Credential credential = credentials.get(index / PORTS_PER_ACCOUNT);
        int port = 30000 + index % PORTS_PER_ACCOUNT;
        Agent agent = new Agent(NettyChannelBuilder.forAddress(host, agentPort).sslContext(grpcTls).directExecutor()
                .build());
        Metadata headers = new Metadata();
        headers.put(API_KEY, credential.token());
        agent.requests = TunnelServiceGrpc.newStub(agent.channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .connect(new StreamObserver<>() {
                    @Override
                    public void onNext(GatewayMessage message) {
                        if (message.hasWelcome()) {
                            agent.welcome.complete(message.getWelcome());
                        } else if (message.hasGoodbye()) {
                            ended("Goodbye " + message.getGoodbye().getReason() + ": "
                                    + message.getGoodbye().getMessage());
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        ended(Status.fromThrowable(error).toString());
                    }

                    @Override
                    public void onCompleted() {
                        ended("the gateway completed the stream");
                    }

                    private void ended(String why) {
                        String where = "agent " + index + " (" + credential.account() + ":" + port + "): " + why;
                        // a Goodbye is followed by the status the call ends with: one agent, counted once
                        if (agent.ended.compareAndSet(false, true)
                                && !agent.welcome.completeExceptionally(new IllegalStateException(where))) {
                            if (lost.getAndIncrement() == 0) {
                                firstLoss.set(where);
                            }
                        }
                    }
                });
        agent.send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setRemotePort(port)
                .setAgentId("scale-" + index).setAgentVersion("bench").setHostname("scale-host-" + index)).build());
        agents.add(agent);
        return agent.welcome;
    }

    private synchronized void startHeartbeats(Welcome welcome) {
        if (heartbeating) {
            return;
        }
        heartbeating = true;
        long interval = Math.max(500, welcome.getHeartbeatInterval().getSeconds() * 1000
                + welcome.getHeartbeatInterval().getNanos() / 1_000_000);
        long[] last = {System.nanoTime()};
        heartbeats.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            worstHeartbeatGapMillis = Math.max(worstHeartbeatGapMillis, (now - last[0]) / 1_000_000);
            last[0] = now;
            heartbeatRounds++;
            for (Agent agent : agents) {
                if (agent.welcome.isDone() && !agent.welcome.isCompletedExceptionally()) {
                    try {
                        agent.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                                .setSequence(++agent.sequence)).build());
                    } catch (RuntimeException e) {
                        // the stream ended: counted as lost by its observer
                    }
                }
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * How late this generator was: heartbeat rounds sent, and the longest time between the starts of two rounds (the
     * interval when it kept up; the gateway drops an agent silent for three intervals).
     */
    String heartbeatReport() {
        return heartbeatRounds + " heartbeat rounds, longest gap between rounds " + worstHeartbeatGapMillis + " ms";
    }

    /** Opens {@code count} TLS + HTTP/2 connections to the agent endpoint and leaves them idle (no call). */
    void openBare(int count) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            ManagedChannel channel = NettyChannelBuilder.forAddress(host, agentPort).sslContext(grpcTls)
                    .directExecutor().build();
            channel.getState(true);
            bare.add(channel);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (ManagedChannel channel : bare) {
            while (channel.getState(true) != ConnectivityState.READY) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("bare connections not ready within 60 s: " + channel.getState(false));
                }
                Thread.sleep(10);
            }
        }
    }

    void closeBare() throws InterruptedException {
        for (ManagedChannel channel : bare) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : bare) {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
        bare.clear();
    }

    /**
     * Parks {@code perTunnel} data connections for every open agent whose Welcome offered a pool; returns how many.
     * Each: TCP, TLS handshake, then the 4-byte length and a parking DataPreamble; then idle.
     */
    int park(int perTunnel, int inFlight) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(inFlight);
        List<Future<Socket>> opened = new ArrayList<>();
        try {
            for (Agent agent : agents) {
                Welcome welcome = agent.welcome.getNow(null);
                if (welcome == null || !welcome.hasDataPool()) {
                    continue;
                }
                for (int i = 0; i < Math.min(perTunnel, welcome.getDataPool().getMaxParked()); i++) {
                    opened.add(pool.submit(() -> parkOne(welcome)));
                }
            }
            for (Future<Socket> socket : opened) {
                parked.add(socket.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdown();
        }
        return opened.size();
    }

    private Socket parkOne(Welcome welcome) throws IOException {
        SSLSocket socket = (SSLSocket) dataTls.getSocketFactory().createSocket(host, dataPort);
        socket.setTcpNoDelay(true);
        socket.startHandshake();
        byte[] preamble = DataPreamble.newBuilder().setTunnelId(welcome.getTunnelId())
                .setConnectionId(welcome.getDataPool().getPoolId()).setTicket(welcome.getDataPool().getTicket())
                .setPark(true).build().toByteArray();
        OutputStream out = socket.getOutputStream();
        out.write(ByteBuffer.allocate(4 + preamble.length).putInt(preamble.length).put(preamble).array());
        out.flush();
        return socket;
    }

    @Override
    public void close() throws InterruptedException {
        heartbeats.shutdownNow();
        for (Socket socket : parked) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        closeBare();
        for (Agent agent : agents) {
            agent.channel.shutdownNow();
        }
        for (Agent agent : agents) {
            agent.channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
