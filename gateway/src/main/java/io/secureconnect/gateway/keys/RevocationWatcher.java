package io.secureconnect.gateway.keys;

import com.google.protobuf.Timestamp;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.gateway.runtime.GatewayScheduler;
import io.secureconnect.gateway.runtime.ResubscribingStream;
import io.secureconnect.gateway.tunnel.TunnelManager;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import jakarta.inject.Singleton;
import java.time.Instant;

/**
 * Follows key-validator's revocations and closes the tunnels of revoked keys. After a drop it resubscribes from the
 * last event it saw, so nothing revoked in between is missed.
 */
@Singleton
public class RevocationWatcher {

    /** A channel, not a stub: Quarkus injects only blocking and Mutiny stubs; streaming uses grpc-java's async stub. */
    @GrpcClient("keyvalidator")
    io.grpc.Channel channel;

    private final ResubscribingStream<RevocationEvent> stream;
    private volatile Timestamp since;

    public RevocationWatcher(TunnelManager tunnels, GatewayScheduler scheduler) {
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
    }

    public void stop() {
        stream.stop();
    }
}
