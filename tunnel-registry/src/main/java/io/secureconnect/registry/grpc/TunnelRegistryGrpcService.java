package io.secureconnect.registry.grpc;

import io.quarkus.grpc.GrpcService;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.FindTunnelsRequest;
import io.secureconnect.proto.tunnelregistry.v1.FindTunnelsResponse;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayResponse;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEvent;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayResponse;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistry;
import io.secureconnect.proto.tunnelregistry.v1.WatchLeaseEventsRequest;
import io.secureconnect.registry.config.RegistryConfig;
import io.secureconnect.registry.gateway.GatewayService;
import io.secureconnect.registry.lease.AcquireCommand;
import io.secureconnect.registry.lease.LeaseRules;
import io.secureconnect.registry.lease.LeaseService;
import io.secureconnect.registry.lease.ReleaseCommand;
import io.secureconnect.registry.lease.RenewCommand;
import io.secureconnect.registry.tunnel.TunnelQueries;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Instant;

/**
 * The gRPC face of the registry for gateways and connector-policy; the work is in the feature services. AcquireLease
 * and ReleaseLease are queued for the group commit ({@code LeaseBatcher}) and answered from its threads; RenewLease
 * runs on {@link DatabaseWorkers}; the others on the worker pool ({@code @Blocking}).
 */
@GrpcService
public class TunnelRegistryGrpcService implements TunnelRegistry {

    @Inject
    GatewayService gateways;

    @Inject
    LeaseService leases;

    @Inject
    LeaseRules rules;

    @Inject
    TunnelQueries tunnels;

    @Inject
    LeaseEventStream events;

    @Inject
    RegistryConfig config;

    @Inject
    DatabaseWorkers workers;

    @Override
    @Blocking
    public Uni<RegisterGatewayResponse> registerGateway(RegisterGatewayRequest request) {
        return Uni.createFrom().item(() -> GrpcCalls.call("RegisterGateway", () -> {
            var gateway = request.getGateway();
            gateways.register(gateway.getGatewayId(), gateway.getAgentEndpoint(), gateway.getProxyHost(),
                    gateway.getVersion());
            return RegisterGatewayResponse.newBuilder()
                    .setHeartbeatInterval(ProtoMapping.duration(config.heartbeatInterval()))
                    .setLeaseTtl(ProtoMapping.duration(config.leaseTtl())).build();
        }));
    }

    @Override
    @Blocking
    public Uni<HeartbeatGatewayResponse> heartbeatGateway(HeartbeatGatewayRequest request) {
        return Uni.createFrom().item(() -> GrpcCalls.call("HeartbeatGateway", () ->
                HeartbeatGatewayResponse.newBuilder()
                        .setExpiresAt(ProtoMapping.timestamp(gateways.heartbeat(request.getGatewayId()))).build()));
    }

    @Override
    public Uni<AcquireLeaseResponse> acquireLease(AcquireLeaseRequest request) {
        return GrpcCalls.answer("AcquireLease", leases.acquireBatched(new AcquireCommand(request.getAccountId(),
                request.getPort(), request.getApiKeyId(), request.getGatewayId(), request.getAgentId(),
                request.getAgentHost(), request.getAgentVersion(), false)).thenApply(grant ->
                        AcquireLeaseResponse.newBuilder().setLease(ProtoMapping.lease(grant.lease()))
                                .setResumed(grant.resumed()).build()));
    }

    @Override
    public Uni<RenewLeaseResponse> renewLease(RenewLeaseRequest request) {
        return workers.call("RenewLease", () -> {
            Long bytesIn = request.hasCounters() ? request.getCounters().getBytesIn() : null;
            Long bytesOut = request.hasCounters() ? request.getCounters().getBytesOut() : null;
            Instant expiresAt = leases.renew(new RenewCommand(request.getAccountId(), request.getPort(),
                    request.getEpoch(), request.getGatewayId(), bytesIn, bytesOut));
            RenewLeaseResponse.Builder response = RenewLeaseResponse.newBuilder();
            if (expiresAt != null) {
                response.setExpiresAt(ProtoMapping.timestamp(expiresAt));
            }
            return response.build();
        });
    }

    @Override
    public Uni<ReleaseLeaseResponse> releaseLease(ReleaseLeaseRequest request) {
        return GrpcCalls.answer("ReleaseLease", leases.releaseBatched(new ReleaseCommand(request.getAccountId(),
                request.getPort(), request.getEpoch(), request.getGatewayId())).thenApply(released ->
                        ReleaseLeaseResponse.newBuilder().setReleased(released).build()));
    }

    @Override
    @Blocking
    public Multi<LeaseEvent> watchLeaseEvents(WatchLeaseEventsRequest request) {
        try {
            GrpcCalls.call("WatchLeaseEvents", () -> {
                gateways.requireRegistered(request.getGatewayId());
                return null;
            });
        } catch (RuntimeException e) {
            return Multi.createFrom().failure(e);
        }
        return events.watch(request.getGatewayId()).map(ProtoMapping::event);
    }

    @Override
    @Blocking
    public Uni<FindTunnelsResponse> findTunnels(FindTunnelsRequest request) {
        return Uni.createFrom().item(() -> GrpcCalls.call("FindTunnels", () -> {
            rules.account(request.getAccountId());
            rules.port(request.getPort(), true);
            FindTunnelsResponse.Builder response = FindTunnelsResponse.newBuilder();
            tunnels.find(request.getAccountId(), request.getPort()).forEach(t ->
                    response.addTunnels(ProtoMapping.tunnel(t)));
            return response.build();
        }));
    }
}
