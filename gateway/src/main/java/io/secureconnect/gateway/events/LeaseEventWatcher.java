package io.secureconnect.gateway.events;

import io.quarkus.grpc.GrpcClient;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.threads.GatewayScheduler;
import io.secureconnect.gateway.threads.ResubscribingStream;
import io.secureconnect.gateway.tunnel.TunnelManager;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEvent;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.proto.tunnelregistry.v1.WatchLeaseEventsRequest;
import jakarta.inject.Singleton;

/** Follows the lease events that concern this gateway (force-release, expiry) and closes the tunnels they end. */
@Singleton
public class LeaseEventWatcher {

    /** A channel, not a stub: Quarkus injects only blocking and Mutiny stubs; streaming uses grpc-java's async stub. */
    @GrpcClient("registry")
    io.grpc.Channel channel;

    private final ResubscribingStream<LeaseEvent> stream;

    public LeaseEventWatcher(TunnelManager tunnels, GatewaySettings settings, GatewayScheduler scheduler) {
        this.stream = new ResubscribingStream<>("lease events", scheduler,
                observer -> TunnelRegistryGrpc.newStub(channel).watchLeaseEvents(
                        WatchLeaseEventsRequest.newBuilder().setGatewayId(settings.gatewayId()).build(), observer),
                tunnels::leaseEvent);
    }

    public void start() {
        stream.start();
    }

    public void stop() {
        stream.stop();
    }
}
