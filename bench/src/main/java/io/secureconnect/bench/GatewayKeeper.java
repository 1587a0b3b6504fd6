package io.secureconnect.bench;

import io.grpc.ManagedChannel;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the gateway side the registry expects: registers the gateway whose certificate the channel presents (a
 * gateway acts only as itself), heartbeats it every 5 s (the registry refuses leases through a gateway that
 * stopped), and runs other keep-alive chores (lease renewals) on the same timer.
 */
final class GatewayKeeper implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "gateway-keeper");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> failures = new ArrayList<>();
    private final String id;

    /** {@code registry}: a channel presenting {@code gateway}'s certificate. */
    GatewayKeeper(ManagedChannel registry, Identity gateway) {
        this.id = gateway.gatewayId();
        TunnelRegistryGrpc.TunnelRegistryBlockingStub stub = TunnelRegistryGrpc.newBlockingStub(registry);
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).registerGateway(RegisterGatewayRequest.newBuilder()
                .setGateway(Gateway.newBuilder().setGatewayId(id).setAgentEndpoint("127.0.0.1:8443")
                        .setProxyHost("127.0.0.1").setVersion("bench")).build());
        every(5, () -> stub.withDeadlineAfter(5, TimeUnit.SECONDS)
                .heartbeatGateway(HeartbeatGatewayRequest.newBuilder().setGatewayId(id).build()));
    }

    /** The gateway id, from the certificate: what every lease request names. */
    String id() {
        return id;
    }

    /** Runs {@code chore} every {@code seconds}; a failure is kept for {@link #close()} to report. */
    void every(int seconds, Runnable chore) {
        timer.scheduleAtFixedRate(() -> {
            try {
                chore.run();
            } catch (RuntimeException e) {
                synchronized (failures) {
                    failures.add(e.toString());
                }
            }
        }, seconds, seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (failures) {
            if (!failures.isEmpty()) {
                System.out.println("  keep-alive failures during the run: " + failures);
            }
        }
    }
}
