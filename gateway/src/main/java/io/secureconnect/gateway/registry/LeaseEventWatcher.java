package io.secureconnect.gateway.registry;

import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.runtime.GatewayScheduler;
import io.secureconnect.gateway.tunnel.TunnelManager;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEvent;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.proto.tunnelregistry.v1.WatchLeaseEventsRequest;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Follows the lease events that concern this gateway (force-release, expiry) and closes the tunnels they end. */
@Singleton
public class LeaseEventWatcher {

    private static final Logger LOG = Logger.getLogger(LeaseEventWatcher.class);
    private static final long RETRY_MILLIS = 1000;

    /** A channel, not a stub: Quarkus injects only blocking and Mutiny stubs; streaming uses grpc-java's async stub. */
    @GrpcClient("registry")
    io.grpc.Channel channel;

    private final TunnelManager tunnels;
    private final GatewaySettings settings;
    private final GatewayScheduler scheduler;
    private volatile boolean stopped;
    private volatile boolean connected;

    public LeaseEventWatcher(TunnelManager tunnels, GatewaySettings settings, GatewayScheduler scheduler) {
        this.tunnels = tunnels;
        this.settings = settings;
        this.scheduler = scheduler;
    }

    public void start() {
        subscribe();
    }

    public void stop() {
        stopped = true;
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        TunnelRegistryGrpc.newStub(channel).watchLeaseEvents(WatchLeaseEventsRequest.newBuilder().setGatewayId(settings.gatewayId()).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(LeaseEvent event) {
                        connected = true;
                        // Off the gRPC callback thread, like every other change to the tunnel table.
                        scheduler.schedule(() -> tunnels.leaseEvent(event), 0, TimeUnit.MILLISECONDS);
                    }

                    @Override
                    public void onError(Throwable failure) {
                        retry("failed: " + io.grpc.Status.fromThrowable(failure).getCode());
                    }

                    @Override
                    public void onCompleted() {
                        retry("ended");
                    }
                });
    }

    private void retry(String why) {
        if (connected) {
            LOG.warnf("lease event stream %s; resubscribing", why);
        }
        connected = false;
        if (!stopped) {
            scheduler.schedule(this::subscribe, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
