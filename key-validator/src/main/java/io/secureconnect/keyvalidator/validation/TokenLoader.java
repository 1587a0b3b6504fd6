package io.secureconnect.keyvalidator.validation;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.secureconnect.keyvalidator.config.KeysConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.jboss.logging.Logger;

/**
 * Cache misses of ValidateToken, read from the database off the event loop: a FIFO queue in memory and
 * {@code store.threads} threads, each taking every miss queued (up to {@code store.batch-max}) and reading all
 * their tokens in ONE query ({@link TokenStore#findAll}). Callers thus wait in memory, in arrival order, not on
 * connections, and under load N queued misses cost one round trip instead of N. Every miss is answered from a
 * read that started after it arrived (a token asked twice in one batch is read once for both). A full queue is
 * refused at once ({@link OverloadedException}), never waited on.
 */
@Startup
@ApplicationScoped
public class TokenLoader {

    private static final Logger LOG = Logger.getLogger(TokenLoader.class);

    /** Gets the token read for one miss (null when it does not exist), or why it could not be read. */
    public interface Loaded {
        void done(TokenRecord record, RuntimeException failure);
    }

    private record Miss(String tokenId, Loaded loaded) {
    }

    @Inject
    KeysConfig config;

    @Inject
    TokenStore store;

    @Inject
    TokenCache cache;

    private BlockingQueue<Miss> queue;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;

    @PostConstruct
    void start() {
        KeysConfig.Store settings = config.store();
        require(settings.threads() >= 1 && settings.threads() <= 64, "secureconnect.keys.store.threads", "1 to 64",
                settings.threads());
        require(settings.batchMax() >= 1 && settings.batchMax() <= 1000, "secureconnect.keys.store.batch-max",
                "1 to 1000", settings.batchMax());
        require(settings.queueMax() >= 1, "secureconnect.keys.store.queue-max", "at least 1", settings.queueMax());
        queue = new LinkedBlockingQueue<>(settings.queueMax());
        for (int i = 1; i <= settings.threads(); i++) {
            Thread thread = new Thread(this::run, "key-validator-store-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private static void require(boolean ok, String setting, String allowed, int value) {
        if (!ok) {
            throw new IllegalStateException(setting + " must be " + allowed + ", not " + value);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        threads.forEach(Thread::interrupt);
        List<Miss> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(miss -> deliver(miss, null, new OverloadedException("key-validator is shutting down")));
    }

    /** Queues a miss; {@code loaded} runs on a store thread, or here at once when the queue is full. */
    public void load(String tokenId, Loaded loaded) {
        if (stopped || !queue.offer(new Miss(tokenId, loaded))) {
            deliver(new Miss(tokenId, loaded), null, new OverloadedException(
                    "too many validations are waiting for the key database; retry"));
        }
    }

    /** How many misses wait for a store thread now. */
    public int queued() {
        return queue.size();
    }

    private void run() {
        int batchMax = config.store().batchMax();
        List<Miss> batch = new ArrayList<>(batchMax);
        Set<String> ids = new LinkedHashSet<>();
        while (!stopped) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, batchMax - 1);
            batch.forEach(miss -> ids.add(miss.tokenId()));
            long generation = cache.generation();
            try {
                Map<String, TokenRecord> found = store.findAll(ids);
                found.values().forEach(record -> cache.put(record, generation));
                batch.forEach(miss -> deliver(miss, found.get(miss.tokenId()), null));
            } catch (RuntimeException e) {
                batch.forEach(miss -> deliver(miss, null, e));
            }
            batch.clear();
            ids.clear();
        }
    }

    private static void deliver(Miss miss, TokenRecord record, RuntimeException failure) {
        try {
            miss.loaded().done(record, failure);
        } catch (RuntimeException e) {
            LOG.warnf("answering a validation failed: %s", e.getMessage());
        }
    }

    /** The miss queue is full (or the service stops): refused now rather than queued without bound. */
    public static class OverloadedException extends RuntimeException {
        OverloadedException(String message) {
            super(message, null, false, false);
        }
    }
}
