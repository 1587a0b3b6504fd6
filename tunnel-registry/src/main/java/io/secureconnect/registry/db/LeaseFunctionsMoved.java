package io.secureconnect.registry.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.Configuration;
import org.jboss.logging.Logger;

/**
 * Lets a database migrated before the lease functions moved into {@code R__lease_functions.sql} start with the files
 * of today (Flyway callback, {@code quarkus.flyway.callbacks}).
 *
 * <p>Up to commit 6fc62f9, V2-V5 created the lease functions and redefined them with {@code CREATE OR REPLACE}. Those
 * statements were taken out of them (what else they do, tables, types and the domain, is unchanged, byte for byte),
 * so on such a database Flyway's validation finds the recorded checksums of V2-V5 no longer match their files. Before
 * it validates, this rewrites the checksum of each of those four rows, but only where it is exactly the checksum of
 * that file as 6fc62f9 shipped it, to the checksum of the file now. Nothing needs to run again: the database already
 * has what V2-V5 do, and {@code R__lease_functions.sql}, new to it, is pending and replaces every function with its
 * live definition (the same as 6fc62f9's). Every other mismatch (a versioned file edited again, a database of another
 * build) still fails validation: this is no general repair.
 */
public class LeaseFunctionsMoved implements Callback {

    /** A versioned migration edited by the move: its checksum as 6fc62f9 released it, and as it is now. */
    record Edit(String version, int released, int now) {
    }

    static final List<Edit> EDITS = List.of(
            new Edit("2", -1865335150, 1527555154),
            new Edit("3", 807894167, 1038737805),
            new Edit("4", 1023675479, -591246174),
            new Edit("5", 1447019784, 1418094499));

    private static final Logger LOG = Logger.getLogger(LeaseFunctionsMoved.class);

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_VALIDATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        Connection c = context.getConnection();
        try {
            String history = historyTable(c, context.getConfiguration());
            if (history == null) {
                return; // a new database: nothing was migrated yet
            }
            String sql = "UPDATE " + history + " SET checksum = ? WHERE type = 'SQL' AND version = ? AND checksum = ?";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (Edit edit : EDITS) {
                    s.setInt(1, edit.now());
                    s.setString(2, edit.version());
                    s.setInt(3, edit.released());
                    if (s.executeUpdate() > 0) {
                        LOG.infof("migration V%s recorded as released in 6fc62f9: checksum %d -> %d (its lease"
                                + " functions moved to R__lease_functions.sql)", edit.version(), edit.released(),
                                edit.now());
                    }
                }
            }
        } catch (SQLException e) {
            throw new FlywayException("aligning the checksums of V2-V5 (lease functions moved to"
                    + " R__lease_functions.sql) failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return getClass().getSimpleName();
    }

    /** Flyway's schema history table, quoted as SQL may name it, or null where it does not exist yet. */
    private static String historyTable(Connection c, Configuration configuration) throws SQLException {
        String schema = configuration.getDefaultSchema();
        if (schema == null && configuration.getSchemas().length > 0) {
            schema = configuration.getSchemas()[0];
        }
        try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(CASE WHEN ?::text IS NULL"
                + " THEN quote_ident(?) ELSE quote_ident(?) || '.' || quote_ident(?) END)::text")) {
            s.setString(1, schema);
            s.setString(2, configuration.getTable());
            s.setString(3, schema);
            s.setString(4, configuration.getTable());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
