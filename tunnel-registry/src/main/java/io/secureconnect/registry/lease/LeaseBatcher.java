package io.secureconnect.registry.lease;

import static io.secureconnect.registry.db.Jdbc.failure;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Group commit for the lease changes gateways make at high rates: acquisitions and releases wait in a bounded queue;
 * each of {@code workers} threads takes what is queued (up to {@code max}) and runs it as one statement
 * ({@link LeaseBatchStore}) in one transaction, so that a hundred callers share one round trip and one WAL flush
 * instead of queueing for one each. Nothing is answered before its transaction is committed (synchronous commit).
 * No timer: a worker takes what arrived while the previous batches ran, so a lone request is run at once.
 *
 * <p>Failures: a refusal (PORT_HELD, UNKNOWN_GATEWAY...) is that request's answer; a deadlock or serialization
 * failure reruns the batch (nothing was written); a database that fails answers every caller of the batch
 * UNAVAILABLE / DATABASE_UNAVAILABLE; any other error reruns each request alone, so that only its caller fails.
 */
public final class LeaseBatcher implements AutoCloseable {

    /** Settings: see {@code secureconnect.registry.batch.*}. */
    public record Settings(int max, int workers, int queueMax) {
        public Settings {
            if (max < 1 || workers < 1 || queueMax < 1) {
                throw new IllegalArgumentException("batch settings must be positive: " + max + ", " + workers + ", "
                        + queueMax);
            }
        }
    }

    static final int ATTEMPTS = 3;
    private static final Logger LOG = Logger.getLogger(LeaseBatcher.class);

    private final DataSource dataSource;
    private final LeaseStore store;
    private final LeaseBatchStore batches;
    private final int first;
    private final int last;
    private final Settings settings;
    private final LeaseMetrics metrics;
    private final BlockingQueue<LeaseRequest> queue;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    LeaseBatcher(DataSource dataSource, LeaseStore store, int first, int last, Settings settings,
            LeaseMetrics metrics) {
        this.dataSource = dataSource;
        this.store = store;
        this.batches = new LeaseBatchStore(store, first, last);
        this.first = first;
        this.last = last;
        this.settings = settings;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(settings.queueMax());
    }

    /** Starts the worker threads; requests queued before wait for this. */
    synchronized LeaseBatcher start() {
        if (workers.isEmpty() && !closed) {
            for (int i = 1; i <= settings.workers(); i++) {
                Thread worker = new Thread(this::work, "lease-batch-" + i);
                worker.setDaemon(true);
                workers.add(worker);
                worker.start();
            }
        }
        return this;
    }

    /** Queues a validated acquisition; the future has the grant, or a {@link LeaseFailure}. */
    CompletableFuture<Grant> acquire(AcquireCommand command) {
        CompletableFuture<Grant> answer = new CompletableFuture<>();
        offer(new LeaseRequest.Acquire(command, answer));
        return answer;
    }

    /** Queues a validated release; the future is true when it ended the lease (see {@link LeaseService#release}). */
    CompletableFuture<Boolean> release(ReleaseCommand command) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        offer(new LeaseRequest.Release(command, answer));
        return answer;
    }

    private void offer(LeaseRequest request) {
        if (closed) {
            request.fail(stopping());
        } else if (!queue.offer(request)) {
            request.fail(new LeaseFailure(LeaseFailure.Kind.UNAVAILABLE, "OVERLOADED", settings.queueMax()
                    + " lease changes are waiting for the database already; retry with backoff",
                    Map.of("queue-max", String.valueOf(settings.queueMax()))));
        } else if (closed && queue.remove(request)) {
            request.fail(stopping());
        }
    }

    private void work() {
        List<LeaseRequest> batch = new ArrayList<>(settings.max());
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, settings.max() - 1);
            try {
                run(batch);
            } catch (RuntimeException | Error e) { // never leave a caller unanswered, never lose the worker
                LOG.errorf(e, "lease batch of %d failed unexpectedly", batch.size());
                batch.forEach(r -> r.fail(e));
            }
            batch.clear();
        }
    }

    /** Runs one batch to the end: every request of it is answered when this returns. */
    void run(List<LeaseRequest> batch) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                List<BatchAnswer> answers = inOneTransaction(c, batch);
                metrics.batch(batch.size());
                finish(c, answers);
                return;
            } catch (SQLException e) {
                switch (DatabaseFailures.kind(e)) {
                    case RETRY:
                        metrics.batchRetried();
                        LOG.debugf("lease batch of %d conflicted (SQLState %s), attempt %d",
                                Integer.valueOf(batch.size()), e.getSQLState(), Integer.valueOf(attempt));
                        continue;
                    case UNAVAILABLE:
                        LOG.warnf("lease batch of %d failed: database unavailable (SQLState %s): %s", batch.size(),
                                e.getSQLState(), e.getMessage());
                        LeaseFailure unavailable = DatabaseFailures.unavailable(e);
                        batch.forEach(r -> r.fail(unavailable));
                        return;
                    default:
                        if (batch.size() == 1) {
                            batch.get(0).fail(failure("running a lease change", e));
                        } else {
                            LOG.warnf("lease batch of %d failed (SQLState %s); running each request alone",
                                    batch.size(), e.getSQLState());
                            batch.forEach(r -> run(List.of(r)));
                        }
                        return;
                }
            }
        }
        LeaseFailure contention = DatabaseFailures.contention(ATTEMPTS);
        batch.forEach(r -> r.fail(contention));
    }

    /** The batch's statement and its commit; on any failure, rolled back and thrown (nothing answered yet). */
    private List<BatchAnswer> inOneTransaction(Connection c, List<LeaseRequest> batch) throws SQLException {
        c.setAutoCommit(false);
        try {
            List<BatchAnswer> answers = batches.run(c, batch);
            c.commit();
            return answers;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Answers every request of a committed batch; BUSY and NOT_LIVE get their follow-up, each on its own. */
    private void finish(Connection c, List<BatchAnswer> answers) {
        for (BatchAnswer answer : answers) {
            try {
                if (answer instanceof BatchAnswer.Granted granted) {
                    granted(granted.request(), granted.grant());
                } else if (answer instanceof BatchAnswer.Refused refused) {
                    refused.request().fail(refused.failure());
                } else if (answer instanceof BatchAnswer.Busy busy) {
                    granted(busy.request(), store.acquire(c, busy.request().command(), first, last));
                } else if (answer instanceof BatchAnswer.Released released) {
                    released(released.request(), true);
                } else if (answer instanceof BatchAnswer.NotLive notLive) {
                    ReleaseCommand r = notLive.request().command();
                    LeaseFailure stale = LeaseLoss.why(c, r.accountId(), r.port(), r.epoch(), r.gatewayId(), false);
                    if (stale != null) {
                        notLive.request().fail(stale);
                    } else {
                        released(notLive.request(), false);
                    }
                } else {
                    throw new IllegalStateException("no follow-up for " + answer);
                }
            } catch (LeaseFailure refused) {
                answer.request().fail(refused);
            } catch (SQLException e) {
                answer.request().fail(DatabaseFailures.kind(e) == DatabaseFailures.Kind.SPLIT
                        ? failure("finishing a lease change", e) : DatabaseFailures.unavailable(e));
            }
        }
    }

    private void granted(LeaseRequest.Acquire request, Grant grant) {
        metrics.granted(grant.resumed());
        if (LOG.isDebugEnabled()) {
            LOG.debugf("lease granted: account=%s port=%d epoch=%d tunnel=%s gateway=%s resumed=%s",
                    grant.lease().accountId(), grant.lease().port(), grant.lease().epoch(),
                    grant.lease().tunnelId(), grant.lease().gatewayId(), grant.resumed());
        }
        request.answer().complete(grant);
    }

    private void released(LeaseRequest.Release request, boolean released) {
        if (released) {
            metrics.released();
            LOG.debugf("lease released: account=%s port=%d epoch=%d gateway=%s", request.command().accountId(),
                    request.command().port(), request.command().epoch(), request.command().gatewayId());
        }
        request.answer().complete(released);
    }

    private static LeaseFailure stopping() {
        return new LeaseFailure(LeaseFailure.Kind.UNAVAILABLE, "SHUTTING_DOWN",
                "this registry replica is stopping; retry on another", Map.of());
    }

    /** Stops taking requests; the batches running finish, and whatever is still queued is answered UNAVAILABLE. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        List<Thread> running;
        synchronized (this) {
            running = List.copyOf(workers);
        }
        running.forEach(Thread::interrupt);
        for (Thread worker : running) {
            worker.join(10_000);
        }
        List<LeaseRequest> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(r -> r.fail(stopping()));
    }
}
