package io.secureconnect.e2e.failover;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.secureconnect.e2e.fixture.CloudCalls;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Builds running all the time, one after another, as a runner makes them: ResolveBuildNetwork over the runner's
 * one long-lived channel, then a request through the tunnel. Each build takes the next tunnel port in turn and
 * counts as a success only when the private server answered 200; anything else is kept as a failure with its
 * reason.
 */
final class BuildLoop implements AutoCloseable {

    private final CloudCalls calls;
    private final List<Integer> ports;
    private final Function<ResolveBuildNetworkResponse, String> request;
    private final AtomicInteger successes = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;

    /** {@code request} makes the build's request with what ResolveBuildNetwork gave and returns the HTTP status. */
    BuildLoop(CloudCalls calls, List<Integer> ports, Function<ResolveBuildNetworkResponse, String> request) {
        this.calls = calls;
        this.ports = List.copyOf(ports);
        this.request = request;
        this.thread = new Thread(this::run, "build-loop");
        thread.start();
    }

    private void run() {
        ManagedChannel channel = calls.runnerChannel();
        try {
            for (long build = 0; running; build++) {
                int port = ports.get((int) (build % ports.size()));
                try {
                    ResolveBuildNetworkResponse network = calls.resolveOver(channel, "build-loop-" + build,
                            "failover_repo_" + port);
                    String status = request.apply(network);
                    if (status.equals("200")) {
                        successes.incrementAndGet();
                    } else {
                        failures.add("build " + build + " (port " + port + "): HTTP " + status);
                    }
                } catch (StatusRuntimeException e) {
                    failures.add("build " + build + " (port " + port + "): ResolveBuildNetwork " + e.getStatus());
                }
            }
        } finally {
            channel.shutdownNow();
        }
    }

    int successes() {
        return successes.get();
    }

    List<String> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    /** Waits until {@code count} builds have succeeded in all. */
    void awaitSuccesses(int count, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (successes.get() < count) {
            if (System.nanoTime() > deadline || !thread.isAlive()) {
                throw new AssertionError("only " + successes.get() + " of " + count + " builds succeeded within "
                        + bound + "; failures: " + failures());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** Lets the build under way finish and stops. */
    void stop() throws InterruptedException {
        running = false;
        thread.join(TimeUnit.SECONDS.toMillis(90));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
