package io.secureconnect.gateway.registry;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.threads.GatewayScheduler;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayResponse;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayResponse;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Registers this gateway with tunnel-registry and keeps it alive with heartbeats; re-registers when the registry
 * forgot it or was unreachable at start. Also tells the lease TTL the registry uses and its port pool
 * ({@link LearnedPortPool}: learnt at registration and again from every heartbeat).
 */
@Singleton
public class GatewayRegistration {

    private static final Logger LOG = Logger.getLogger(GatewayRegistration.class);
    static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);
    private static final String VERSION = "0.1.0";

    private final RegistryClient registry;
    private final GatewaySettings settings;
    private final GatewayScheduler scheduler;
    private final LearnedPortPool pool;
    private volatile Duration leaseTtl = DEFAULT_LEASE_TTL;
    private volatile boolean registered;
    private ScheduledFuture<?> heartbeats;
    private int agentPort;

    public GatewayRegistration(RegistryClient registry, GatewaySettings settings, GatewayScheduler scheduler) {
        this.registry = registry;
        this.settings = settings;
        this.scheduler = scheduler;
        this.pool = new LearnedPortPool(settings.proxyPorts());
    }

    /** Registers now (or keeps trying), then heartbeats at the registry's interval. */
    public synchronized void start(int agentPort) {
        this.agentPort = agentPort;
        Duration interval = register();
        heartbeats = scheduler.every(this::beat, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
    }

    public boolean registered() {
        return registered;
    }

    public Duration leaseTtl() {
        return leaseTtl;
    }

    /** tunnel-registry's port pool as last learnt; empty before registration or from a registry that names none. */
    public Optional<PortPool> portPool() {
        return pool.current();
    }

    private Duration register() {
        Gateway gateway = Gateway.newBuilder().setGatewayId(settings.gatewayId())
                .setAgentEndpoint(settings.publicHost() + ":" + agentPort)
                .setProxyHost(settings.publicHost()).setVersion(VERSION).build();
        try {
            RegisterGatewayResponse response = registry.register(gateway);
            if (response.hasLeaseTtl() && response.getLeaseTtl().getSeconds() + response.getLeaseTtl().getNanos() > 0) {
                leaseTtl = Duration.ofSeconds(response.getLeaseTtl().getSeconds(), response.getLeaseTtl().getNanos());
            }
            pool.learn(response.hasPortRange(), response.getPortRange());
            registered = true;
            LOG.infof("registered with tunnel-registry gateway=%s agent_endpoint=%s lease_ttl=%s",
                    settings.gatewayId(), gateway.getAgentEndpoint(), leaseTtl);
            if (response.hasHeartbeatInterval() && response.getHeartbeatInterval().getSeconds() > 0) {
                return Duration.ofSeconds(response.getHeartbeatInterval().getSeconds());
            }
        } catch (StatusRuntimeException e) {
            registered = false;
            LOG.warnf("cannot register with tunnel-registry gateway=%s status=%s; agents are refused until it answers",
                    settings.gatewayId(), e.getStatus().getCode());
        }
        return settings.heartbeatInterval();
    }

    private void beat() {
        if (!registered) {
            register();
            return;
        }
        try {
            HeartbeatGatewayResponse response = registry.heartbeat(settings.gatewayId());
            pool.learn(response.hasPortRange(), response.getPortRange());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND
                    || GrpcFailure.reason(e).filter("UNKNOWN_GATEWAY"::equals).isPresent()) {
                register();
            } else {
                LOG.warnf("gateway heartbeat failed gateway=%s status=%s", settings.gatewayId(),
                        e.getStatus().getCode());
            }
        }
    }
}
