package io.secureconnect.registry.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.secureconnect.common.db.DatabaseUnavailable;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.registry.lease.LeaseFailure;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a gRPC call's work and translates its failures: a reason trailer, never an exception's text or class. A
 * database that cannot be used ({@link DatabaseUnavailable}: down, refusing connections, out of connections, no
 * connection from the pool in time) is UNAVAILABLE / DATABASE_UNAVAILABLE, never INTERNAL: the caller may retry.
 */
final class GrpcCalls {

    private static final Logger LOG = Logger.getLogger(GrpcCalls.class);

    private GrpcCalls() {
    }

    static <T> T call(String method, Supplier<T> work) {
        try {
            return work.get();
        } catch (LeaseFailure e) {
            throw e.toGrpc();
        } catch (StatusRuntimeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unexpected(method, e);
        }
    }

    /** Runs the work and sends its answer, or its failure translated as {@link #call} does. */
    static <T> void respond(StreamObserver<T> response, String method, Supplier<T> work) {
        T answer;
        try {
            answer = call(method, work);
        } catch (RuntimeException e) {
            response.onError(e);
            return;
        }
        response.onNext(answer);
        response.onCompleted();
    }

    /** Sends the answer of work that completes later (e.g. a lease batch), its failure translated as {@link #call}. */
    static <T> void respondLater(StreamObserver<T> response, String method, CompletionStage<T> work) {
        work.whenComplete((answer, failure) -> {
            if (failure != null) {
                response.onError(translate(method, failure));
            } else {
                response.onNext(answer);
                response.onCompleted();
            }
        });
    }

    private static Throwable translate(String method, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof LeaseFailure failure) {
            return failure.toGrpc();
        }
        if (cause instanceof StatusRuntimeException) {
            return cause;
        }
        return unexpected(method, cause);
    }

    static StatusRuntimeException unexpected(String method, Throwable e) {
        Optional<String> unavailable = DatabaseUnavailable.sqlState(e);
        if (unavailable.isPresent()) {
            LOG.warnf("%s failed: database unavailable (SQLState %s): %s", method, unavailable.get(), e.getMessage());
            return GrpcFailure.of(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE", "the registry database cannot be"
                    + " used now (SQLState " + unavailable.get() + "); the call did not complete; retry",
                    Map.of("sql-state", unavailable.get()));
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s in %s", errorId, method);
        return GrpcFailure.of(Status.Code.INTERNAL, "INTERNAL", "unexpected error; quote error id " + errorId);
    }
}
