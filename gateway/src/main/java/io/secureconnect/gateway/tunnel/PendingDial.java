package io.secureconnect.gateway.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
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
    private final String host;
    private final int port;
    private final EventLoop loop;
    private final int attempt;
    private final long startedNanos;
    private volatile ScheduledFuture<?> deadline;
    private volatile PendingDial retriedAs;
    private volatile Channel carrier;
    private volatile GenericFutureListener<Future<? super Void>> carrierWatch;

    /** Attempt 1 of a dial, or a retry on another agent (its own id and ticket, the first attempt's start). */
    PendingDial(String connectionId, byte[] ticket, Tunnel tunnel, AgentLink agent, DialListener listener, String host,
            int port, EventLoop loop, int attempt, long startedNanos) {
        this.connectionId = connectionId;
        this.ticket = ticket;
        this.tunnel = tunnel;
        this.agent = agent;
        this.listener = listener;
        this.host = host;
        this.port = port;
        this.loop = loop;
        this.attempt = attempt;
        this.startedNanos = startedNanos;
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

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    EventLoop loop() {
        return loop;
    }

    int attempt() {
        return attempt;
    }

    /** Its agent went away before answering and {@code next} took over: cancelling this dial cancels that one. */
    void retriedAs(PendingDial next) {
        this.retriedAs = next;
    }

    PendingDial retriedAs() {
        return retriedAs;
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
