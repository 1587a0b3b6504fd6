package io.secureconnect.gateway.tunnel;

import io.grpc.Status;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import java.time.Duration;

/** What a tunnel needs from one connected agent (its control stream). */
public interface AgentLink {

    String agentId();

    String tokenId();

    /** Live, admitted and not draining. */
    boolean acceptsDials();

    /** Live and admitted, but draining: it finishes its connections and takes no new ones. */
    default boolean draining() {
        return false;
    }

    /** Sends a dial request; false when the stream is already closed. */
    boolean sendDial(DialRequest request);

    /** One of the data connections this agent parked, to carry a dial; null when none is parked. */
    default Channel takeParked(EventLoop preferred) {
        return null;
    }

    /**
     * This gateway is going away: the agent opens a stream to another gateway and keeps this one serving dials
     * until Goodbye ends it (at the latest after {@code deadline}).
     */
    void handOver(Duration deadline);

    /** Sends Goodbye and ends the stream with the given status and reason trailer. */
    void goodbye(GoodbyeReason reason, boolean retryable, Status.Code code, String grpcReason, String message);
}
