package io.secureconnect.testing.fuzz;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Row counts of a service's tables, read back before and after a request to prove a refused one wrote nothing.
 * Each count is a SQL query; tables that background jobs write (sweepers, pollers) are counted for the fuzzing
 * account only, so that another test's data expiring meanwhile is not taken for a write.
 */
public final class RowCounts {

    private final DataSource db;
    private final Map<String, String> queries;

    /** {@code queries}: a name and a query answering one number, e.g. {@code "select count(*) from api_key"}. */
    public RowCounts(DataSource db, Map<String, String> queries) {
        this.db = db;
        this.queries = Map.copyOf(queries);
    }

    public Map<String, Long> read() {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection c = db.getConnection()) {
            for (Map.Entry<String, String> query : queries.entrySet()) {
                try (PreparedStatement s = c.prepareStatement(query.getValue()); ResultSet rs = s.executeQuery()) {
                    rs.next();
                    counts.put(query.getKey(), rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count rows", e);
        }
        return counts;
    }
}
