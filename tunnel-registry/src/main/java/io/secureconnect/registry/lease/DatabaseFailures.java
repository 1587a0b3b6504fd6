package io.secureconnect.registry.lease;

import io.secureconnect.common.db.DatabaseUnavailable;
import java.sql.SQLException;
import java.util.Map;

/**
 * What a failed batch statement means for its callers, from the SQLState. The statement was one transaction, so a
 * failure before the commit changed nothing; only a connection lost during the commit leaves the outcome unknown,
 * which is why the answer tells the caller how to repeat safely.
 */
final class DatabaseFailures {

    /** How a batch that failed with this exception is handled. */
    enum Kind {
        /** Deadlock or serialization failure: nothing was written; run the same batch again. */
        RETRY,
        /** The database is down, unreachable, shutting down, out of resources or timed out: answer UNAVAILABLE. */
        UNAVAILABLE,
        /** Anything else (e.g. one request's data): run each request alone so that only its own caller fails. */
        SPLIT
    }

    private DatabaseFailures() {
    }

    static Kind kind(SQLException e) {
        if (DatabaseUnavailable.is(e)) {
            return Kind.UNAVAILABLE; // down, refusing connections, out of connections, or no connection from the pool
        }
        String state = e.getSQLState();
        if (state.equals("40P01") || state.equals("40001")) {
            return Kind.RETRY;
        }
        // Also a replica's own trouble rather than the request's: cancelled or timed out, I/O error, a lock not
        // available, a read-only transaction (a standby after failover).
        if (state.startsWith("57") || state.startsWith("58") || state.equals("55P03") || state.equals("25006")) {
            return Kind.UNAVAILABLE;
        }
        return Kind.SPLIT;
    }

    /** UNAVAILABLE / DATABASE_UNAVAILABLE naming the SQLState (never the server's message, which may hold data). */
    static LeaseFailure unavailable(SQLException e) {
        String state = e.getSQLState() == null ? "none" : e.getSQLState();
        return new LeaseFailure(LeaseFailure.Kind.UNAVAILABLE, "DATABASE_UNAVAILABLE", "the lease database failed"
                + " (SQLState " + state + "); retry: an acquisition repeated by the same key and agent gets its port"
                + " back, and a repeated release is idempotent", Map.of("sql-state", state));
    }

    /** ABORTED / CONTENTION after every attempt of a batch met a deadlock or a serialization failure. */
    static LeaseFailure contention(int attempts) {
        return new LeaseFailure(LeaseFailure.Kind.ABORTED, "CONTENTION", "concurrent lease changes conflicted on "
                + attempts + " attempts; nothing was changed; retry", Map.of("attempts", String.valueOf(attempts)));
    }
}
