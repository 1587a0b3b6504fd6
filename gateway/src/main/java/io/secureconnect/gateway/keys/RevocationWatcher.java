package io.secureconnect.gateway.keys;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.gateway.runtime.GatewayScheduler;
import io.secureconnect.gateway.tunnel.TunnelManager;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Follows key-validator's revocations and closes the tunnels of revoked keys. After a drop it resubscribes from the
 * last event it saw, so nothing revoked in between is missed.
 */
@Singleton
public class RevocationWatcher {

    private static final Logger LOG = Logger.getLogger(RevocationWatcher.class);
    private static final long RETRY_MILLIS = 1000;

    /** A channel, not a stub: Quarkus injects only blocking and Mutiny stubs; streaming uses grpc-java's async stub. */
    @GrpcClient("keyvalidator")
    io.grpc.Channel channel;

    private final TunnelManager tunnels;
    private final GatewayScheduler scheduler;
    private volatile Timestamp since;
    private volatile boolean stopped;
    private volatile boolean connected;

    public RevocationWatcher(TunnelManager tunnels, GatewayScheduler scheduler) {
        this.tunnels = tunnels;
        this.scheduler = scheduler;
    }

    public void start() {
        Instant now = Instant.now();
        since = Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
        subscribe();
    }

    public void stop() {
        stopped = true;
    }

    public boolean connected() {
        return connected;
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        KeyValidatorGrpc.newStub(channel).watchRevocations(WatchRevocationsRequest.newBuilder().setSince(since).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(RevocationEvent event) {
                        if (!connected) {
                            connected = true;
                            LOG.info("following key revocations");
                        }
                        if (event.hasAt()) {
                            since = event.getAt();
                        }
                        // Off the gRPC callback thread: closing a tunnel makes blocking registry calls.
                        scheduler.schedule(() -> tunnels.revoked(event.getAccountId(), event.getApiKeyId(),
                                event.getTokenId(), event.getCause().name().replace("REVOCATION_CAUSE_", "")),
                                0, TimeUnit.MILLISECONDS);
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
            LOG.warnf("revocation stream %s; resubscribing", why);
        }
        connected = false;
        if (!stopped) {
            scheduler.schedule(this::subscribe, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
