package io.secureconnect.common.db;

import java.sql.SQLException;
import java.util.Optional;

/**
 * Whether a failure means "the database is not there" (down, unreachable, refusing connections, shutting down, out of
 * connections) rather than "this statement is wrong": the one rule every service uses to answer UNAVAILABLE / 503
 * {@code DATABASE_UNAVAILABLE} instead of INTERNAL / 500. It reads the SQLStates of every {@link SQLException} in the
 * cause chain, so JDBC, Hibernate and transaction wrappers are seen through alike:
 * <ul>
 * <li>no SQLState at all: the pool's own refusals (no connection within {@code acquisition-timeout});</li>
 * <li>class 08, connection exception (refused, broken, lost during a statement);</li>
 * <li>class 53, insufficient resources (53300 too many clients);</li>
 * <li>57P01 to 57P05: the server ended the session (admin shutdown, crash shutdown, cannot connect now, database
 * dropped, idle timeout);</li>
 * <li>55000 refusing a connection: the database does not accept connections (ALLOW_CONNECTIONS false, e.g.
 * maintenance). Only that message, since 55000 is otherwise a statement's own error.</li>
 * </ul>
 */
public final class DatabaseUnavailable {

    private static final int MAX_DEPTH = 32;

    private DatabaseUnavailable() {
    }

    /** True when {@code failure} (or a cause of it) says the database cannot be used now. */
    public static boolean is(Throwable failure) {
        return find(failure).isPresent();
    }

    /**
     * The SQLState that showed the database unavailable ({@code "none"} for the pool's own refusal), or empty when
     * the failure is something else.
     */
    public static Optional<String> sqlState(Throwable failure) {
        return find(failure).map(e -> e.getSQLState() == null ? "none" : e.getSQLState());
    }

    private static Optional<SQLException> find(Throwable failure) {
        SQLException first = null;
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_DEPTH; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                if (sql.getSQLState() != null) {
                    return unavailable(sql) ? Optional.of(sql) : Optional.empty();
                }
                if (first == null) {
                    first = sql;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        // Only SQLExceptions without a state: the pool refused (acquisition timeout, closed pool), no server spoke.
        return Optional.ofNullable(first);
    }

    private static boolean unavailable(SQLException e) {
        String state = e.getSQLState();
        return state.startsWith("08") || state.startsWith("53")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") || state.equals("57P04")
                || state.equals("57P05")
                || state.equals("55000") && e.getMessage() != null
                        && e.getMessage().contains("not currently accepting connections");
    }
}
