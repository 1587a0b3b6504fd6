package io.secureconnect.e2e.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The builds' side of the load: a thread per concurrent connection (Java 17, plain threads; 1,000 of them are cheap
 * here), each making {@link ProxiedFetch} requests one after another through its tunnel until the deadline, every one
 * for a payload of its own (seed = the connection and its request number, size 1-256 KiB). The connections of a
 * tunnel start spread over {@link #RAMP}, as a hundred builds' clients do not open their first connection in the same
 * millisecond (all 1,000 at once on a busy 2-core machine left some connections without CPU to send their CONNECT
 * head within the gateway's 10 s head timeout: 408s, the client's starvation, not the gateway's). Counts requests, bytes and errors, per tunnel and in all, keeps the first few errors' causes and counts
 * the errors by kind. A request under way at the deadline finishes.
 */
final class LoadClient {

    static final int MIN_SIZE = 1024;
    static final int MAX_SIZE = 256 * 1024;
    static final Duration RAMP = Duration.ofSeconds(10);
    private static final int ERRORS_KEPT = 10;

    private final List<ProxiedFetch> tunnels;
    private final int connectionsPerTunnel;
    private final LongAdder requests = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLongArray perTunnel;
    private final ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private long startNanos;
    private long endNanos;

    LoadClient(List<ProxiedFetch> tunnels, int connectionsPerTunnel) {
        this.tunnels = List.copyOf(tunnels);
        this.connectionsPerTunnel = connectionsPerTunnel;
        this.perTunnel = new AtomicLongArray(tunnels.size());
    }

    /** What the run did. {@code perTunnel} counts the requests that completed intact through each tunnel. */
    record Totals(long requests, long bytes, long errors, List<String> firstErrors, Map<String, Long> errorKinds,
            long[] perTunnel, Duration elapsed) {

        double megabytesPerSecond() {
            return bytes / 1e6 / seconds();
        }

        double requestsPerSecond() {
            return requests / seconds();
        }

        private double seconds() {
            return Math.max(1, elapsed.toMillis()) / 1000.0;
        }
    }

    /**
     * Starts every connection's thread, at nice {@value Nice#LOAD_GENERATORS} (see {@link Nice}); they stop by
     * themselves at {@code duration} from now.
     */
    void start(Duration duration) throws InterruptedException {
        Thread starter = new Thread(() -> {
            Nice.currentThread(Nice.LOAD_GENERATORS);
            startThreads(duration);
        }, "load-starter");
        starter.start();
        starter.join();
        if (threads.size() != tunnels.size() * connectionsPerTunnel) {
            throw new IllegalStateException("the load's threads did not start");
        }
    }

    private void startThreads(Duration duration) {
        startNanos = System.nanoTime();
        long deadline = startNanos + duration.toNanos();
        for (int t = 0; t < tunnels.size(); t++) {
            for (int c = 0; c < connectionsPerTunnel; c++) {
                int tunnel = t;
                long connection = (long) t * connectionsPerTunnel + c;
                long startAt = startNanos + RAMP.toNanos() * c / connectionsPerTunnel;
                Thread thread = new Thread(() -> run(tunnel, connection, startAt, deadline), "load-" + t + "-" + c);
                thread.setDaemon(true);
                thread.start();
                threads.add(thread);
            }
        }
    }

    private void run(int tunnel, long connection, long startAt, long deadline) {
        try {
            TimeUnit.NANOSECONDS.sleep(startAt - System.nanoTime());
        } catch (InterruptedException e) {
            return;
        }
        ProxiedFetch fetch = tunnels.get(tunnel);
        SplittableRandom random = new SplittableRandom(connection);
        for (long request = 0; System.nanoTime() < deadline; request++) {
            long seed = (connection << 32) | request;
            long size = random.nextInt(MIN_SIZE, MAX_SIZE + 1);
            try {
                bytes.add(fetch.fetch(seed, size));
                requests.increment();
                perTunnel.incrementAndGet(tunnel);
            } catch (Exception e) {
                long count = errors.incrementAndGet();
                String kind = (request == 0 ? "first request: " : "later request: ") + String.valueOf(e)
                        .replaceAll("\\d+", "N");
                errorKinds.computeIfAbsent(kind.substring(0, Math.min(160, kind.length())), k -> new LongAdder())
                        .increment();
                if (count <= ERRORS_KEPT) {
                    firstErrors.add("tunnel " + tunnel + " connection " + connection + " request " + request + ": "
                            + e);
                }
            }
        }
    }

    /** Whether any connection is still running. */
    boolean running() {
        return threads.stream().anyMatch(Thread::isAlive);
    }

    /** Waits for every connection to finish its last request (each bounded by its socket timeouts). */
    Totals await(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        long stillRunning = threads.stream().filter(Thread::isAlive).count();
        if (stillRunning > 0) {
            throw new AssertionError(stillRunning + " connections still running " + bound + " after the deadline");
        }
        endNanos = System.nanoTime();
        long[] counts = new long[perTunnel.length()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = perTunnel.get(i);
        }
        Map<String, Long> kinds = new TreeMap<>();
        errorKinds.forEach((kind, count) -> kinds.put(kind, count.sum()));
        return new Totals(requests.sum(), bytes.sum(), errors.get(), List.copyOf(firstErrors), kinds, counts,
                Duration.ofNanos(endNanos - startNanos));
    }
}
