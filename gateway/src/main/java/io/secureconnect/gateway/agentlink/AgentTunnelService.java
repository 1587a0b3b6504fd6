package io.secureconnect.gateway.agentlink;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.data.DataPools;
import io.secureconnect.gateway.keys.KeyValidatorClient;
import io.secureconnect.gateway.runtime.GatewayScheduler;
import io.secureconnect.gateway.tunnel.Dialer;
import io.secureconnect.gateway.tunnel.TunnelManager;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.TunnelServiceGrpc;
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
