package io.secureconnect.agent.dial;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.secureconnect.datalink.Carrier;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.DialStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One DialRequest under way: what it asks for, its deadline, the loop its connections live on, and the parked data
 * connection the gateway wrote it on (its carrier), if any. It owns the carrier: whichever way the dial fails, the
 * carrier is released exactly once ({@link #fail}); a dial that connects hands it to the splice ({@link #takeCarrier}).
 * It completes once; later outcomes (a connect that lands after the timeout) are dropped.
 */
final class Dial {

    final DialRequest request;
    final Dialer.Tunnel tunnel;
    final EventLoop loop;
    final String host;
    final String destination;
    final boolean nameAllowed;
    final long timeoutMillis;
    private final long deadline;
    private final AtomicReference<Channel> carrier;
    private final CompletableFuture<DialOutcome> outcome = new CompletableFuture<>();

    Dial(DialRequest request, Dialer.Tunnel tunnel, Channel carrier, EventLoop loop, String host, String destination,
         boolean nameAllowed, long timeoutMillis) {
        this.request = request;
        this.tunnel = tunnel;
        this.carrier = new AtomicReference<>(carrier);
        this.loop = loop;
        this.host = host;
        this.destination = destination;
        this.nameAllowed = nameAllowed;
        this.timeoutMillis = timeoutMillis;
        this.deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    }

    String id() {
        return request.getConnectionId();
    }

    int port() {
        return request.getPort();
    }

    CompletableFuture<DialOutcome> outcome() {
        return outcome;
    }

    boolean done() {
        return outcome.isDone();
    }

    long millisLeft() {
        return (deadline - System.nanoTime()) / 1_000_000;
    }

    boolean overdue() {
        return System.nanoTime() - deadline > 0;
    }

    /** The carrier if it is still open, for the splice; null when the answer needs a new data connection. */
    Channel takeCarrier() {
        Channel parked = carrier.getAndSet(null);
        if (parked != null && !parked.isActive()) {
            release(parked);
            return null;
        }
        return parked;
    }

    void fail(DialStatus status, String message) {
        fail(new DialOutcome.Failed(DialFailures.result(id(), status, message)));
    }

    void fail(DialOutcome.Failed failure) {
        release(carrier.getAndSet(null));
        outcome.complete(failure);
    }

    void connected() {
        outcome.complete(DialOutcome.CONNECTED);
    }

    /**
     * A failed dial's carrier. A reusable one stays: nothing moved on it, so it is idle again (the gateway does the
     * same on the DialResult); closing it would also make the gateway re-send the dial on the control stream. A
     * single-use one closes (the pool has replaced it).
     */
    private static void release(Channel parked) {
        if (parked == null) {
            return;
        }
        Carrier reusable = Carrier.of(parked);
        if (reusable == null) {
            parked.close();
        } else if (parked.eventLoop().inEventLoop()) {
            reusable.unused();
        } else {
            parked.eventLoop().execute(reusable::unused);
        }
    }
}
