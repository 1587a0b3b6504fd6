package io.secureconnect.registry.grpc;

import io.secureconnect.common.identity.GrpcAccessPolicy;
import io.secureconnect.common.identity.Rule;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * Who may call tunnel-registry's gRPC methods (the README's security model): gateways register, heartbeat and
 * change leases, each only as itself ({@link io.secureconnect.common.identity.CallerContext#actingGateway});
 * connector-policy finds the tunnels that serve a build.
 */
@Singleton
public class RegistryAccess implements GrpcAccessPolicy {

    @Override
    public Map<String, Rule> rules() {
        return GrpcAccessPolicy.withReflection(Map.of(
                TunnelRegistryGrpc.getRegisterGatewayMethod().getFullMethodName(), Rule.gateways(),
                TunnelRegistryGrpc.getHeartbeatGatewayMethod().getFullMethodName(), Rule.gateways(),
                TunnelRegistryGrpc.getAcquireLeaseMethod().getFullMethodName(), Rule.gateways(),
                TunnelRegistryGrpc.getRenewLeaseMethod().getFullMethodName(), Rule.gateways(),
                TunnelRegistryGrpc.getReleaseLeaseMethod().getFullMethodName(), Rule.gateways(),
                TunnelRegistryGrpc.getWatchLeaseEventsMethod().getFullMethodName(), Rule.gateways(),
                TunnelRegistryGrpc.getFindTunnelsMethod().getFullMethodName(), Rule.services("connector-policy")));
    }
}
