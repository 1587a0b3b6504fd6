package io.secureconnect.gateway.events;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.keys.RevocationFeed;
import io.secureconnect.gateway.threads.GatewayScheduler;
import io.secureconnect.gateway.threads.ResubscribingStream;
import io.secureconnect.gateway.tunnel.TunnelManager;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Follows key-validator's revocations and closes the tunnels of revoked keys. After a drop it resubscribes from the
 * last event it saw, so nothing revoked in between is missed. While it cannot follow them, admitted tunnels go on
 * serving for {@code secureconnect.gateway.revocation-max-staleness}; after that the gateway fails closed: every
 * tunnel closes and agents are refused until the stream is back.
 */
@Singleton
public class RevocationWatcher implements RevocationFeed {

    /** A channel, not a stub: Quarkus injects only blocking and Mutiny stubs; streaming uses grpc-java's async stub. */
    @GrpcClient("keyvalidator")
    io.grpc.Channel channel;

    private static final Logger LOG = Logger.getLogger(RevocationWatcher.class);

    private final ResubscribingStream<RevocationEvent> stream;
    private final TunnelManager tunnels;
    private final GatewayScheduler scheduler;
    private final Duration maxStaleness;
    private volatile Timestamp since;
    private volatile boolean failedClosed;

    public RevocationWatcher(TunnelManager tunnels, GatewayScheduler scheduler, GatewaySettings settings) {
        this.tunnels = tunnels;
        this.scheduler = scheduler;
        this.maxStaleness = settings.revocationMaxStaleness();
        this.stream = new ResubscribingStream<>("key revocations", scheduler,
                observer -> KeyValidatorGrpc.newStub(channel).watchRevocations(
                        WatchRevocationsRequest.newBuilder().setSince(since).build(), observer),
                event -> {
                    if (event.hasAt()) {
                        since = event.getAt();
                    }
                    tunnels.revoked(event.getAccountId(), event.getApiKeyId(), event.getTokenId(),
                            event.getCause().name().replace("REVOCATION_CAUSE_", ""));
                });
    }

    public void start() {
        Instant now = Instant.now();
        since = Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
        stream.start();
        scheduler.every(this::failClosedWhenStale, 1, TimeUnit.SECONDS);
    }

    /** True while revocations have not been followed for longer than the setting allows: admit no agent. */
    @Override
    public boolean stale() {
        return stream.downFor().compareTo(maxStaleness) > 0;
    }

    private void failClosedWhenStale() {
        if (!stale()) {
            if (failedClosed) {
                failedClosed = false;
                LOG.info("following key revocations again: agents are admitted");
            }
            return;
        }
        int closed = tunnels.closeAll(Status.Code.UNAVAILABLE, "KEY_VALIDATOR_UNAVAILABLE",
                "the gateway cannot follow key revocations");
        if (!failedClosed || closed > 0) {
            failedClosed = true;
            LOG.warnf("key revocations not followed for %d s (secureconnect.gateway.revocation-max-staleness=%s):"
                    + " closed %d tunnel(s); refusing agents until key-validator answers",
                    stream.downFor().toSeconds(), maxStaleness, closed);
        }
    }

    public void stop() {
        stream.stop();
    }
}
