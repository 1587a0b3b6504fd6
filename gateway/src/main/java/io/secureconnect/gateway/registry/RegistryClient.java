package io.secureconnect.gateway.registry;

import io.quarkus.grpc.GrpcClient;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayResponse;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayResponse;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.TrafficCounters;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * Blocking calls to tunnel-registry with a deadline each (callers are timer or gRPC worker threads, never event
 * loops). Failures surface as StatusRuntimeException with the registry's reason trailer.
 */
@Singleton
public class RegistryClient {

    private static final long DEADLINE_MILLIS = 3000;

    @GrpcClient("registry")
    TunnelRegistryGrpc.TunnelRegistryBlockingStub registry;

    private TunnelRegistryGrpc.TunnelRegistryBlockingStub call() {
        return registry.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
    }

    public RegisterGatewayResponse register(Gateway gateway) {
        return call().registerGateway(RegisterGatewayRequest.newBuilder().setGateway(gateway).build());
    }

    public HeartbeatGatewayResponse heartbeat(String gatewayId) {
        return call().heartbeatGateway(HeartbeatGatewayRequest.newBuilder().setGatewayId(gatewayId).build());
    }

    /** The request carries the lease receipt of the key check that admitted the agent (TunnelManager). */
    public AcquireLeaseResponse acquire(AcquireLeaseRequest request) {
        return call().acquireLease(request);
    }

    public RenewLeaseResponse renew(String accountId, int port, long epoch, String gatewayId,
            TrafficCounters counters) {
        return call().renewLease(RenewLeaseRequest.newBuilder().setAccountId(accountId).setPort(port)
                .setEpoch(epoch).setGatewayId(gatewayId).setCounters(counters).build());
    }

    public void release(String accountId, int port, long epoch, String gatewayId) {
        call().releaseLease(ReleaseLeaseRequest.newBuilder().setAccountId(accountId).setPort(port).setEpoch(epoch)
                .setGatewayId(gatewayId).build());
    }
}
