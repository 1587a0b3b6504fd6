package io.secureconnect.gateway.threads;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * A server stream the gateway follows for as long as it runs: each event is handed to a scheduler thread (never
 * handled on the gRPC callback thread, since handlers make blocking calls), and a dropped or ended stream is opened
 * again after a pause.
 */
public final class ResubscribingStream<T> {

    private static final Logger LOG = Logger.getLogger(ResubscribingStream.class);
    private static final long RETRY_MILLIS = 1000;
    /** A subscription that has not failed for this long counts as up, even before its first event. */
    private static final long UP_AFTER_MILLIS = 2 * RETRY_MILLIS;

    private final String name;
    private final GatewayScheduler scheduler;
    private final Consumer<StreamObserver<T>> open;
    private final Consumer<T> handler;
    private volatile boolean stopped;
    private volatile boolean connected;
    /** System.nanoTime() of the first failure of the outage going on; 0 while the stream is up. */
    private volatile long failingSince;

    /**
     * @param open    opens the stream with the given observer (called again on every resubscription)
     * @param handler runs on a scheduler thread for each event
     */
    public ResubscribingStream(String name, GatewayScheduler scheduler, Consumer<StreamObserver<T>> open,
            Consumer<T> handler) {
        this.name = name;
        this.scheduler = scheduler;
        this.open = open;
        this.handler = handler;
    }

    public void start() {
        subscribe();
    }

    public void stop() {
        stopped = true;
    }

    /** How long the stream has been down (failing and resubscribing), zero while it is up. */
    public Duration downFor() {
        long since = failingSince;
        return since == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
    }

    private void subscribe() {
        if (stopped) {
            return;
        }
        AtomicBoolean failed = new AtomicBoolean();
        open.accept(new StreamObserver<>() {
            @Override
            public void onNext(T event) {
                failingSince = 0;
                if (!connected) {
                    connected = true;
                    LOG.infof("following %s", name);
                }
                scheduler.schedule(() -> handler.accept(event), 0, TimeUnit.MILLISECONDS);
            }

            @Override
            public void onError(Throwable failure) {
                failed.set(true);
                Status.Code code = Status.fromThrowable(failure).getCode();
                retry("failed: " + code, code == Status.Code.UNAVAILABLE);
            }

            @Override
            public void onCompleted() {
                failed.set(true);
                retry("ended", false);
            }
        });
        scheduler.schedule(() -> {
            if (!failed.get()) {
                failingSince = 0;
            }
        }, UP_AFTER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * {@code routine}: UNAVAILABLE, as when the service's replica asks its connections to move on (every
     * secureconnect.grpc.max-connection-age) or stops for a rolling restart; said at INFO, anything else at WARN.
     */
    private void retry(String why, boolean routine) {
        if (connected) {
            LOG.logf(routine ? Logger.Level.INFO : Logger.Level.WARN, "%s stream %s; resubscribing", name, why);
        }
        connected = false;
        if (failingSince == 0) {
            failingSince = System.nanoTime() | 1;
        }
        if (!stopped) {
            scheduler.schedule(this::subscribe, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
