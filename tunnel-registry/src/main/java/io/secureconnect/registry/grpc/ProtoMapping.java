package io.secureconnect.registry.grpc;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEvent;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEventType;
import io.secureconnect.proto.tunnelregistry.v1.PortRange;
import io.secureconnect.proto.tunnelregistry.v1.Tunnel;
import io.secureconnect.proto.tunnelregistry.v1.TunnelStatus;
import io.secureconnect.registry.event.LeaseEventRecord;
import io.secureconnect.registry.pool.PortPool;
import io.secureconnect.registry.tunnel.TunnelRecord;
import java.time.Instant;

/** Domain records to protobuf messages; unset timestamps stay unset. */
final class ProtoMapping {

    private ProtoMapping() {
    }

    static Lease lease(io.secureconnect.registry.lease.Lease lease) {
        Lease.Builder builder = Lease.newBuilder().setAccountId(lease.accountId()).setPort(lease.port())
                .setTunnelId(lease.tunnelId().toString()).setApiKeyId(lease.apiKeyId())
                .setGatewayId(lease.gatewayId()).setEpoch(lease.epoch());
        if (lease.acquiredAt() != null) {
            builder.setAcquiredAt(timestamp(lease.acquiredAt()));
        }
        if (lease.expiresAt() != null) {
            builder.setExpiresAt(timestamp(lease.expiresAt()));
        }
        return builder.build();
    }

    static LeaseEvent event(LeaseEventRecord event) {
        return LeaseEvent.newBuilder().setType(LeaseEventType.valueOf("LEASE_EVENT_TYPE_" + event.type()))
                .setLease(lease(event.lease())).setAt(timestamp(event.at())).build();
    }

    static Tunnel tunnel(TunnelRecord tunnel) {
        Tunnel.Builder builder = Tunnel.newBuilder().setTunnelId(tunnel.tunnelId().toString())
                .setAccountId(tunnel.accountId()).setPort(tunnel.port())
                .setStatus(tunnel.connected() ? TunnelStatus.TUNNEL_STATUS_CONNECTED
                        : TunnelStatus.TUNNEL_STATUS_DISCONNECTED)
                .setAgentHost(tunnel.agentHost()).setAgentVersion(tunnel.agentVersion())
                .setBytesIn(tunnel.bytesIn()).setBytesOut(tunnel.bytesOut()).setEpoch(tunnel.epoch());
        Gateway.Builder gateway = Gateway.newBuilder().setGatewayId(tunnel.gatewayId());
        if (tunnel.proxyHost() != null) {
            gateway.setAgentEndpoint(tunnel.agentEndpoint()).setProxyHost(tunnel.proxyHost())
                    .setVersion(tunnel.gatewayVersion());
        }
        builder.setGateway(gateway);
        set(tunnel.connectedSince(), builder::setConnectedSince);
        set(tunnel.disconnectedSince(), builder::setDisconnectedSince);
        set(tunnel.lastHeartbeat(), builder::setLastHeartbeat);
        set(tunnel.leaseExpiresAt(), builder::setLeaseExpiresAt);
        return builder.build();
    }

    /** The pool as gateways learn it (RegisterGateway, HeartbeatGateway): the one definition of the port range. */
    static PortRange portRange(PortPool pool) {
        return PortRange.newBuilder().setFirst(pool.first()).setLast(pool.last()).build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static Duration duration(java.time.Duration duration) {
        return Duration.newBuilder().setSeconds(duration.getSeconds()).setNanos(duration.getNano()).build();
    }

    private static void set(Instant instant, java.util.function.Consumer<Timestamp> setter) {
        if (instant != null) {
            setter.accept(timestamp(instant));
        }
    }
}
