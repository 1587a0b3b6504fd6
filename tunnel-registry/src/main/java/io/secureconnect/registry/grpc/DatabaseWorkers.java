package io.secureconnect.registry.grpc;

import io.grpc.Status;
import io.secureconnect.common.grpc.GrpcFailure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs RenewLease (one statement; acquisitions and releases go to the group commit, {@code LeaseBatcher}) on as
 * many threads as the connection pool has connections, so that a burst of calls waits in this queue, in memory,
 * rather than as hundreds of threads contending for 20 connections; and without the generic worker pool's per-call dispatch and context capture.
 * The gRPC method itself returns at once on the event loop; the answer is written from the worker thread.
 * A full queue (far beyond any gateway fleet's concurrency) answers RESOURCE_EXHAUSTED instead of growing.
 */
@ApplicationScoped
public class DatabaseWorkers {

    static final int QUEUE = 10_000;

    private final ThreadPoolExecutor executor;

    @Inject
    public DatabaseWorkers(@ConfigProperty(name = "quarkus.datasource.jdbc.max-size", defaultValue = "20") int poolSize) {
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(poolSize, poolSize, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                work -> {
                    Thread thread = new Thread(work, "lease-db-" + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** The work's answer, or its failure translated as every gRPC call of the registry does ({@link GrpcCalls}). */
    <T> CompletionStage<T> call(String method, Supplier<T> work) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    answer.complete(GrpcCalls.call(method, work));
                } catch (Throwable e) { // GrpcCalls translated what it could; never leave the call unanswered
                    answer.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            answer.completeExceptionally(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, "OVERLOADED",
                    QUEUE + " lease calls are waiting for the database already; retry with backoff"));
        }
        return answer;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
