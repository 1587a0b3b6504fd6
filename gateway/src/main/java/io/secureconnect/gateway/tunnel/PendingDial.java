package io.secureconnect.gateway.tunnel;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.secureconnect.datalink.Carrier;
import java.util.concurrent.ScheduledFuture;

/** A DialRequest sent and not yet answered: by a data connection, a DialResult, its deadline or a hang-up. */
public final class PendingDial {

    private final String connectionId;
    private final byte[] ticket;
    private final Tunnel tunnel;
    private final AgentLink agent;
    private final DialListener listener;
    private final long startedNanos = System.nanoTime();
    private volatile ScheduledFuture<?> deadline;
    private volatile Channel carrier;
    private volatile GenericFutureListener<Future<? super Void>> carrierWatch;

    PendingDial(String connectionId, byte[] ticket, Tunnel tunnel, AgentLink agent, DialListener listener) {
        this.connectionId = connectionId;
        this.ticket = ticket;
        this.tunnel = tunnel;
        this.agent = agent;
        this.listener = listener;
    }

    public String connectionId() {
        return connectionId;
    }

    byte[] ticket() {
        return ticket;
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    AgentLink agent() {
        return agent;
    }

    DialListener listener() {
        return listener;
    }

    long startedNanos() {
        return startedNanos;
    }

    void deadline(ScheduledFuture<?> deadline) {
        this.deadline = deadline;
    }

    /** The parked data connection the DialRequest went out on, if it did not go on the control stream. */
    void carrier(Channel channel) {
        this.carrier = channel;
    }

    /** Watches the carrier closing before the agent answered on it (removed once it did: the carrier lives on). */
    void watchCarrier(GenericFutureListener<Future<? super Void>> watch) {
        this.carrierWatch = watch;
        carrier.closeFuture().addListener(watch);
    }

    /** The agent answered on the carrier: a reusable one outlives this dial, so its close is no longer ours. */
    void stopWatchingCarrier() {
        Channel current = carrier;
        var watch = carrierWatch;
        if (current != null && watch != null) {
            current.closeFuture().removeListener(watch);
        }
        carrierWatch = null;
    }

    /** The dial ended without its data connection: a parked one it was written on can carry nothing else. */
    void closeCarrier() {
        Channel current = carrier;
        if (current != null) {
            current.close();
        }
    }

    /**
     * The agent answered the dial with a failure: a reusable carrier is idle again (nothing moved on it; the agent
     * keeps it too), a single-use one closes.
     */
    void releaseCarrier() {
        Channel current = carrier;
        if (current == null) {
            return;
        }
        stopWatchingCarrier();
        Carrier reusable = Carrier.of(current);
        if (reusable == null) {
            current.close();
        } else {
            current.eventLoop().execute(reusable::unused);
        }
    }

    void cancelDeadline() {
        ScheduledFuture<?> current = deadline;
        if (current != null) {
            current.cancel(false);
        }
    }
}
