package io.secureconnect.agent.link;

import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.secureconnect.agent.dial.Dialer;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.Goodbye;
import io.secureconnect.proto.tunnel.v1.Welcome;
import java.util.concurrent.ScheduledFuture;

/**
 * One stream (one Connect call) of a {@link TunnelLink} and what the gateway told on it. Its state is the link's to
 * change, on the link's thread; what the gateway says goes to the link.
 */
final class Session implements ClientResponseObserver<AgentMessage, GatewayMessage> {

    private final TunnelLink link;
    final ManagedChannel channel;
    ClientCallStreamObserver<AgentMessage> requests;
    volatile Welcome welcome;
    volatile Dialer.Tunnel tunnel;
    long connectedAt;
    volatile long lastHeard = System.nanoTime();
    long sequence;
    Goodbye goodbye;
    volatile boolean over;
    ScheduledFuture<?> timer;

    Session(TunnelLink link, ManagedChannel channel) {
        this.link = link;
        this.channel = channel;
    }

    void send(AgentMessage message) {
        if (!over) {
            requests.onNext(message);
        }
    }

    /** Ends the stream: politely (half-close, then the channel) or at once (cancel); either closes its tunnel. */
    void end(boolean politely) {
        if (over) {
            return;
        }
        over = true;
        if (timer != null) {
            timer.cancel(false);
        }
        if (tunnel != null) {
            tunnel.close();
        }
        if (politely) {
            requests.onCompleted();
            channel.shutdown();
        } else {
            requests.cancel("agent closed the stream", null);
            channel.shutdownNow();
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> stream) {
        this.requests = stream;
    }

    @Override
    public void onNext(GatewayMessage message) {
        if (message.getKindCase() == GatewayMessage.KindCase.DIAL_REQUEST && tunnel != null && !over) {
            link.dialNow(this, message.getDialRequest());
        } else {
            link.received(this, message);
        }
    }

    @Override
    public void onError(Throwable error) {
        link.failed(this, error);
    }

    @Override
    public void onCompleted() {
        link.completed(this);
    }
}
