package io.secureconnect.registry.grpc;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.secureconnect.common.identity.CallerContext;
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
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.proto.tunnelregistry.v1.WatchLeaseEventsRequest;
import io.secureconnect.registry.config.RegistryConfig;
import io.secureconnect.registry.gateway.GatewayService;
import io.secureconnect.registry.lease.AcquireCommand;
import io.secureconnect.registry.lease.LeaseRules;
import io.secureconnect.registry.lease.LeaseService;
import io.secureconnect.registry.lease.ReleaseCommand;
import io.secureconnect.registry.lease.RenewCommand;
import io.secureconnect.registry.pool.PortPool;
import io.secureconnect.registry.tunnel.TunnelQueries;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import java.time.Instant;

/**
 * The gRPC face of the registry for gateways and connector-policy ({@link RegistryAccess}: each gateway acts only
 * as itself, the gateway id of a request must be its own or empty; AcquireLease needs key-validator's lease receipt,
 * {@link LeaseReceiptCheck}), on the plain grpc-java API (no Mutiny bridge or
 * context capture per call); the work is in the feature services. AcquireLease and ReleaseLease are queued for the
 * group commit ({@code LeaseBatcher}) on the event loop and answered from its threads; RenewLease runs on
 * {@link DatabaseWorkers}; the rarer calls on the worker pool ({@code @Blocking}). RegisterGateway and
 * HeartbeatGateway also tell the gateway the port pool ({@link PortPool}): the registry's setting is the one
 * definition of the range, and gateways learn it from here.
 */
@GrpcService
public class TunnelRegistryGrpcService extends TunnelRegistryGrpc.TunnelRegistryImplBase {

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

    @Inject
    LeaseReceiptCheck receipts;

    @Inject
    PortPool pool;

    @Override
    @Blocking
    public void registerGateway(RegisterGatewayRequest request, StreamObserver<RegisterGatewayResponse> response) {
        GrpcCalls.respond(response, "RegisterGateway", () -> {
            var gateway = request.getGateway();
            gateways.register(CallerContext.actingGateway(gateway.getGatewayId()), gateway.getAgentEndpoint(),
                    gateway.getProxyHost(), gateway.getVersion());
            return RegisterGatewayResponse.newBuilder()
                    .setHeartbeatInterval(ProtoMapping.duration(config.heartbeatInterval()))
                    .setLeaseTtl(ProtoMapping.duration(config.leaseTtl()))
                    .setPortRange(ProtoMapping.portRange(pool)).build();
        });
    }

    @Override
    @Blocking
    public void heartbeatGateway(HeartbeatGatewayRequest request, StreamObserver<HeartbeatGatewayResponse> response) {
        GrpcCalls.respond(response, "HeartbeatGateway", () -> HeartbeatGatewayResponse.newBuilder()
                .setExpiresAt(ProtoMapping.timestamp(gateways.heartbeat(
                        CallerContext.actingGateway(request.getGatewayId()))))
                .setPortRange(ProtoMapping.portRange(pool)).build());
    }

    @Override
    public void acquireLease(AcquireLeaseRequest request, StreamObserver<AcquireLeaseResponse> response) {
        String gatewayId = actingGateway(request.getGatewayId(), response);
        if (gatewayId == null) {
            return;
        }
        try {
            receipts.require(request, gatewayId, Instant.now());
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        }
        GrpcCalls.respondLater(response, "AcquireLease", leases.acquireBatched(new AcquireCommand(
                request.getAccountId(), request.getPort(), request.getApiKeyId(), gatewayId,
                request.getAgentId(), request.getAgentHost(), request.getAgentVersion(), false)).thenApply(grant ->
                        AcquireLeaseResponse.newBuilder().setLease(ProtoMapping.lease(grant.lease()))
                                .setResumed(grant.resumed()).build()));
    }

    @Override
    public void renewLease(RenewLeaseRequest request, StreamObserver<RenewLeaseResponse> response) {
        String gatewayId = actingGateway(request.getGatewayId(), response);
        if (gatewayId == null) {
            return;
        }
        GrpcCalls.respondLater(response, "RenewLease", workers.call("RenewLease", () -> {
            Long bytesIn = request.hasCounters() ? request.getCounters().getBytesIn() : null;
            Long bytesOut = request.hasCounters() ? request.getCounters().getBytesOut() : null;
            Instant expiresAt = leases.renew(new RenewCommand(request.getAccountId(), request.getPort(),
                    request.getEpoch(), gatewayId, bytesIn, bytesOut));
            RenewLeaseResponse.Builder answer = RenewLeaseResponse.newBuilder();
            if (expiresAt != null) {
                answer.setExpiresAt(ProtoMapping.timestamp(expiresAt));
            }
            return answer.build();
        }));
    }

    @Override
    public void releaseLease(ReleaseLeaseRequest request, StreamObserver<ReleaseLeaseResponse> response) {
        String gatewayId = actingGateway(request.getGatewayId(), response);
        if (gatewayId == null) {
            return;
        }
        GrpcCalls.respondLater(response, "ReleaseLease", leases.releaseBatched(new ReleaseCommand(
                request.getAccountId(), request.getPort(), request.getEpoch(), gatewayId))
                .thenApply(released -> ReleaseLeaseResponse.newBuilder().setReleased(released).build()));
    }

    @Override
    @Blocking
    public void watchLeaseEvents(WatchLeaseEventsRequest request, StreamObserver<LeaseEvent> observer) {
        ServerCallStreamObserver<LeaseEvent> stream = (ServerCallStreamObserver<LeaseEvent>) observer;
        String gatewayId;
        try {
            gatewayId = CallerContext.actingGateway(request.getGatewayId());
            GrpcCalls.call("WatchLeaseEvents", () -> {
                gateways.requireRegistered(gatewayId);
                return null;
            });
        } catch (RuntimeException e) {
            stream.onError(e);
            return;
        }
        Cancellable subscription = events.watch(gatewayId).map(ProtoMapping::event).subscribe().with(
                event -> {
                    if (!stream.isCancelled()) {
                        stream.onNext(event);
                    }
                },
                failure -> {
                    if (!stream.isCancelled()) {
                        stream.onError(failure);
                    }
                },
                stream::onCompleted);
        stream.setOnCancelHandler(subscription::cancel);
    }

    @Override
    @Blocking
    public void findTunnels(FindTunnelsRequest request, StreamObserver<FindTunnelsResponse> response) {
        GrpcCalls.respond(response, "FindTunnels", () -> {
            rules.account(request.getAccountId());
            rules.port(request.getPort(), true);
            FindTunnelsResponse.Builder answer = FindTunnelsResponse.newBuilder();
            tunnels.find(request.getAccountId(), request.getPort()).forEach(t ->
                    answer.addTunnels(ProtoMapping.tunnel(t)));
            return answer.build();
        });
    }

    /** The caller's own gateway id if the request names it; else the refusal is sent and null returned. */
    private static String actingGateway(String requested, StreamObserver<?> response) {
        try {
            return CallerContext.actingGateway(requested);
        } catch (RuntimeException e) {
            response.onError(e);
            return null;
        }
    }
}
