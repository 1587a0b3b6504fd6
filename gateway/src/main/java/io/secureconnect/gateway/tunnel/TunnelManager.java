package io.secureconnect.gateway.tunnel;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.keys.KeyCheck;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.gateway.registry.GatewayRegistration;
import io.secureconnect.gateway.registry.PortPool;
import io.secureconnect.gateway.registry.RegistryClient;
import io.secureconnect.gateway.threads.GatewayScheduler;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEvent;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.TrafficCounters;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The tunnels of this gateway: admits agents (one lease per account and port, shared by the agents of the same key),
 * renews leases while a tunnel has agents, releases them when the last agent leaves, and closes tunnels at once on
 * LEASE_LOST, a force-release or a revoked key.
 */
@Singleton
public class TunnelManager {

    private static final Logger LOG = Logger.getLogger(TunnelManager.class);
    private static final int RENEWAL_THREADS = 16;

    private final ConcurrentMap<TunnelKey, Tunnel> tunnels = new ConcurrentHashMap<>();
    private final RegistryClient registry;
    private final GatewayRegistration registration;
    private final GatewaySettings settings;
    private final Dialer dialer;
    private final GatewayScheduler scheduler;
    private volatile boolean stopped;
    private volatile boolean handingOver;
    private final ExecutorService renewals = Executors.newFixedThreadPool(RENEWAL_THREADS,
            new DefaultThreadFactory("lease-renewal", true));

    public TunnelManager(RegistryClient registry, GatewayRegistration registration, GatewaySettings settings,
            Dialer dialer, GatewayScheduler scheduler, GatewayMetrics metrics) {
        this.registry = registry;
        this.registration = registration;
        this.settings = settings;
        this.dialer = dialer;
        this.scheduler = scheduler;
        metrics.gauge("secureconnect.gateway.tunnels", "Tunnels with at least one agent", tunnels::size);
        metrics.gauge("secureconnect.gateway.agents", "Connected agents",
                () -> tunnels.values().stream().mapToInt(Tunnel::agentCount).sum());
    }

    /** Who joined which tunnel, and whether the registry gave the key its port back. */
    public record Joined(Tunnel tunnel, boolean resumed) {
    }

    /** The agent facts the registry records with the lease. */
    public record AgentInfo(String agentId, String hostname, String version) {
    }

    public Tunnel find(TunnelKey key) {
        return tunnels.get(key);
    }

    /** Admits an agent of a validated key to the tunnel of (account, port). Blocking: call from a worker thread. */
    public Joined join(KeyCheck.Valid key, int port, AgentInfo info, AgentLink agent) throws Refusal {
        checkPort(port);
        if (stopped) {
            throw new Refusal(Status.Code.UNAVAILABLE, "GATEWAY_SHUTDOWN", GoodbyeReason.GOODBYE_REASON_GATEWAY_SHUTDOWN,
                    true, "the gateway is shutting down");
        }
        if (!registration.registered()) {
            throw Refusal.unavailable("REGISTRY_UNAVAILABLE", "the gateway cannot reach tunnel-registry");
        }
        TunnelKey tunnelKey = new TunnelKey(key.accountId(), port);
        while (true) {
            Tunnel tunnel = tunnels.computeIfAbsent(tunnelKey, k -> new Tunnel(k, key.apiKeyId()));
            synchronized (tunnel) {
                if (tunnel.closed()) {
                    continue;
                }
                if (!tunnel.apiKeyId().equals(key.apiKeyId())) {
                    throw portHeld(port);
                }
                boolean resumed = false;
                if (!tunnel.leased()) {
                    resumed = acquire(tunnel, key, info);
                }
                tunnel.agents().add(agent);
                return new Joined(tunnel, resumed);
            }
        }
    }

    /**
     * A port of tunnel-registry's pool as this gateway learnt it (no constant here: the registry's setting is the
     * one definition). Before the pool is known (a registry that does not name it) only 1-65535 is checked here and
     * AcquireLease judges the rest.
     */
    private void checkPort(int port) throws Refusal {
        Optional<PortPool> pool = registration.portPool();
        boolean inPool = pool.map(p -> p.contains(port)).orElse(port >= 1 && port <= 65535);
        if (!inPool) {
            throw new Refusal(Status.Code.INVALID_ARGUMENT, "PORT_OUT_OF_RANGE", GoodbyeReason.GOODBYE_REASON_UNSPECIFIED,
                    false, "remote_port=" + port + ": " + pool.map(p -> p.rule() + " (tunnel-registry's port pool)")
                            .orElse("must be an integer from 1 to 65535"));
        }
    }

    /**
     * Leases the tunnel's port with the receipt of the key check that admitted this agent (the only place this
     * gateway calls AcquireLease): every acquisition, including the one after a lost lease, follows a fresh check.
     */
    private boolean acquire(Tunnel tunnel, KeyCheck.Valid validated, AgentInfo info) throws Refusal {
        TunnelKey key = tunnel.key();
        try {
            AcquireLeaseResponse response = registry.acquire(AcquireLeaseRequest.newBuilder()
                    .setAccountId(key.accountId()).setPort(key.port()).setApiKeyId(tunnel.apiKeyId())
                    .setGatewayId(settings.gatewayId()).setAgentId(info.agentId()).setAgentHost(info.hostname())
                    .setAgentVersion(info.version()).setReceipt(validated.receipt().toByteString()).build());
            Instant validUntil = response.getLease().hasExpiresAt() ? instant(response.getLease().getExpiresAt())
                    : Instant.now().plus(registration.leaseTtl());
            tunnel.leased(response.getLease().getTunnelId(), response.getLease().getEpoch(), validUntil);
            LOG.infof("tunnel opened %s epoch=%d resumed=%s", tunnel, tunnel.epoch(), response.getResumed());
            return response.getResumed();
        } catch (StatusRuntimeException e) {
            tunnel.markClosed();
            tunnels.remove(key, tunnel);
            String reason = GrpcFailure.reason(e).orElse("");
            if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS || reason.equals("PORT_HELD")) {
                throw portHeld(key.port());
            }
            if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
                throw new Refusal(Status.Code.INVALID_ARGUMENT, reason.isEmpty() ? "PORT_OUT_OF_RANGE" : reason,
                        GoodbyeReason.GOODBYE_REASON_UNSPECIFIED, false, "tunnel-registry refused the port: "
                        + e.getStatus().getDescription());
            }
            if (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
                LOG.warnf("lease refused %s reason=%s: %s", tunnel, reason, e.getStatus().getDescription());
            }
            throw Refusal.unavailable("REGISTRY_UNAVAILABLE", "tunnel-registry did not grant the lease: "
                    + e.getStatus().getCode());
        }
    }

    /** The agent's stream ended: it leaves; the last agent out releases the lease. */
    public void leave(Tunnel tunnel, AgentLink agent) {
        dialer.agentGone(agent);
        boolean last;
        synchronized (tunnel) {
            if (!tunnel.agents().remove(agent)) {
                return;
            }
            last = tunnel.agents().isEmpty() && !tunnel.closed();
            if (last) {
                tunnel.markClosed();
                tunnels.remove(tunnel.key(), tunnel);
            }
        }
        if (last) {
            LOG.infof("tunnel closed %s: its last agent left", tunnel);
            scheduler.schedule(() -> release(tunnel), 0, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends Goodbye to every agent of the tunnel, closes its connections and, if asked, releases the lease. */
    public void close(Tunnel tunnel, GoodbyeReason reason, boolean retryable, Status.Code code, String grpcReason,
            String message, boolean release) {
        List<AgentLink> agents;
        synchronized (tunnel) {
            if (tunnel.closed()) {
                return;
            }
            tunnel.markClosed();
            tunnels.remove(tunnel.key(), tunnel);
            agents = new ArrayList<>(tunnel.agents());
            tunnel.agents().clear();
        }
        LOG.infof("tunnel closed %s reason=%s: %s", tunnel, grpcReason, message);
        for (AgentLink agent : agents) {
            agent.goodbye(reason, retryable, code, grpcReason, message);
            dialer.agentGone(agent);
        }
        tunnel.closeConnections();
        if (release) {
            if (stopped) {
                release(tunnel);
            } else {
                scheduler.schedule(() -> release(tunnel), 0, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Every tunnel closes (retryable Goodbye, lease released): the gateway fails closed. Returns how many. */
    public int closeAll(Status.Code code, String grpcReason, String message) {
        List<Tunnel> open = List.copyOf(tunnels.values());
        for (Tunnel tunnel : open) {
            close(tunnel, GoodbyeReason.GOODBYE_REASON_UNSPECIFIED, true, code, grpcReason, message, true);
        }
        return open.size();
    }

    /** A key (or one of its tokens) was revoked or expired: its agents go at once. */
    public void revoked(String accountId, String apiKeyId, String tokenId, String cause) {
        for (Tunnel tunnel : tunnels.values()) {
            if (!tunnel.key().accountId().equals(accountId) || !tunnel.apiKeyId().equals(apiKeyId)) {
                continue;
            }
            List<AgentLink> affected = tunnel.agents().stream()
                    .filter(agent -> tokenId.isEmpty() || tokenId.equals(agent.tokenId())).toList();
            String message = "the API key was " + cause.toLowerCase().replace('_', ' ');
            if (affected.size() == tunnel.agentCount()) {
                close(tunnel, GoodbyeReason.GOODBYE_REASON_KEY_REVOKED, false, Status.Code.UNAUTHENTICATED,
                        "KEY_REVOKED", message, true);
            } else {
                for (AgentLink agent : affected) {
                    agent.goodbye(GoodbyeReason.GOODBYE_REASON_KEY_REVOKED, false, Status.Code.UNAUTHENTICATED,
                            "KEY_REVOKED", message);
                    leave(tunnel, agent);
                }
            }
        }
    }

    /** A lease change from the registry that concerns this gateway. */
    public void leaseEvent(LeaseEvent event) {
        Tunnel tunnel = tunnels.get(new TunnelKey(event.getLease().getAccountId(), event.getLease().getPort()));
        if (tunnel == null || !tunnel.leased()) {
            return;
        }
        long epoch = event.getLease().getEpoch();
        switch (event.getType()) {
            case LEASE_EVENT_TYPE_FORCE_RELEASED -> {
                if (epoch == 0 || epoch >= tunnel.epoch()) {
                    close(tunnel, GoodbyeReason.GOODBYE_REASON_FORCE_RELEASED, true, Status.Code.ABORTED,
                            "FORCE_RELEASED", "an operator force-released the port's lease", false);
                }
            }
            case LEASE_EVENT_TYPE_EXPIRED -> {
                if (epoch == 0 || epoch == tunnel.epoch()) {
                    close(tunnel, GoodbyeReason.GOODBYE_REASON_LEASE_LOST, true, Status.Code.FAILED_PRECONDITION,
                            "LEASE_LOST", "the lease expired", false);
                }
            }
            case LEASE_EVENT_TYPE_ACQUIRED -> {
                if (epoch > tunnel.epoch() && !settings.gatewayId().equals(event.getLease().getGatewayId())) {
                    moved(tunnel, "another gateway acquired the lease", epoch);
                }
            }
            case LEASE_EVENT_TYPE_SUPERSEDED -> {
                if (epoch == tunnel.epoch()) {
                    moved(tunnel, "a newer lease of the same API key replaced this one", epoch);
                }
            }
            default -> {
                // RELEASED and kinds added later: nothing to do here.
            }
        }
    }

    /**
     * The lease moved on (the agent reconnected, possibly through another gateway): during a hand-over that is the
     * point, and this gateway serves what is still sent here until the hand-over ends; otherwise the tunnel closes.
     */
    private void moved(Tunnel tunnel, String why, long epoch) {
        if (handingOver) {
            if (tunnel.markMoved()) {
                LOG.infof("tunnel moved %s: %s (epoch %d); serving what is still sent here", tunnel, why, epoch);
            }
        } else {
            close(tunnel, GoodbyeReason.GOODBYE_REASON_LEASE_LOST, true, Status.Code.FAILED_PRECONDITION,
                    "LEASE_LOST", why, false);
        }
    }

        /** Starts renewing every lease at a third of its TTL. */
    public void startRenewing() {
        scheduleRenewal();
    }

    private void scheduleRenewal() {
        if (!stopped) {
            long period = Math.max(100, registration.leaseTtl().toMillis() / 3);
            scheduler.schedule(() -> {
                renewAll();
                scheduleRenewal();
            }, period, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * One round: every leased tunnel renewed, {@value #RENEWAL_THREADS} at a time (one after another, 1,000 tunnels
     * took longer than a lease lives on a loaded machine: bench/gateway-scale.sh); returns when all have answered.
     */
    void renewAll() {
        renewRound(tunnels.values().stream().filter(t -> t.leased() && !t.closed() && !stopped).toList());
    }

    /** Renews these leases, {@value #RENEWAL_THREADS} at a time; returns when all have answered. */
    private void renewRound(List<Tunnel> leased) {
        List<CompletableFuture<Void>> round = new ArrayList<>();
        for (Tunnel tunnel : leased) {
            round.add(CompletableFuture.runAsync(() -> renew(tunnel), renewals).exceptionally(e -> {
                LOG.warnf("lease renewal of %s failed unexpectedly: %s", tunnel, e.toString());
                return null;
            }));
        }
        CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)).join();
    }

    private void renew(Tunnel tunnel) {
        TunnelKey key = tunnel.key();
        TrafficCounters counters = TrafficCounters.newBuilder().setBytesIn(tunnel.bytesIn().sum())
                .setBytesOut(tunnel.bytesOut().sum()).setOpenConnections(tunnel.openConnections())
                .setAgents(tunnel.agentCount()).build();
        try {
            RenewLeaseResponse response = registry.renew(key.accountId(), key.port(), tunnel.epoch(),
                    settings.gatewayId(), counters);
            tunnel.renewedUntil(response.hasExpiresAt() ? instant(response.getExpiresAt())
                    : Instant.now().plus(registration.leaseTtl()));
        } catch (StatusRuntimeException e) {
            String reason = GrpcFailure.reason(e).orElse("");
            if (reason.equals("LEASE_LOST") || e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                moved(tunnel, "tunnel-registry says this gateway no longer holds the lease", tunnel.epoch());
            } else if (Instant.now().isAfter(tunnel.leaseValidUntil())) {
                close(tunnel, GoodbyeReason.GOODBYE_REASON_LEASE_LOST, true, Status.Code.UNAVAILABLE,
                        "LEASE_LOST", "the lease could not be renewed before it expired", false);
            } else {
                LOG.warnf("lease renewal failed %s status=%s; retrying", tunnel, e.getStatus().getCode());
            }
        }
    }

    private void release(Tunnel tunnel) {
        TunnelKey key = tunnel.key();
        try {
            registry.release(key.accountId(), key.port(), tunnel.epoch(), settings.gatewayId());
        } catch (StatusRuntimeException e) {
            LOG.warnf("lease release failed %s status=%s; it expires by itself", tunnel, e.getStatus().getCode());
        }
    }

    /**
     * Gateway shutdown, make before break: no new agent; the agents move their tunnels to other
     * gateways while this one serves on ({@link TunnelHandOver}, up to {@code timeout}; zero skips it); then every
     * agent left gets a retryable Goodbye and every lease still this gateway's is released.
     */
    public void shutdown(java.time.Duration timeout) {
        stopped = true;
        if (!timeout.isZero() && !tunnels.isEmpty()) {
            handingOver = true;
            new TunnelHandOver(tunnels.values(), this::renewRound).run(timeout);
        }
        renewals.shutdown();
        for (Tunnel tunnel : List.copyOf(tunnels.values())) {
            close(tunnel, GoodbyeReason.GOODBYE_REASON_GATEWAY_SHUTDOWN, true, Status.Code.UNAVAILABLE,
                    "GATEWAY_SHUTDOWN", "the gateway is shutting down", !tunnel.moved());
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static Refusal portHeld(int port) {
        return new Refusal(Status.Code.ALREADY_EXISTS, "PORT_HELD", GoodbyeReason.GOODBYE_REASON_PORT_HELD, false,
                "port " + port + " is held by another API key of this account");
    }
}
