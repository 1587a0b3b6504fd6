package io.secureconnect.registry;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What must hold between the lease, lease_event and tunnel tables of some accounts whatever happened to the
 * processes writing them (each acquisition and release writes all three in one transaction): a broken rule is a
 * half-written change. Each rule is a query that lists the rows breaking it.
 */
final class LeaseInvariants {

    private static final Map<String, String> RULES = new LinkedHashMap<>();

    static {
        RULES.put("a lease without the ACQUIRED event of its epoch (same port, tunnel and key)",
                "SELECT l.account_id || ':' || l.port || '@' || l.epoch FROM lease l WHERE l.account_id = ANY(?)"
                        + " AND NOT EXISTS (SELECT 1 FROM lease_event e WHERE e.type = 'ACQUIRED' AND e.epoch = l.epoch"
                        + " AND e.account_id = l.account_id AND e.port = l.port AND e.tunnel_id = l.tunnel_id"
                        + " AND e.api_key_id = l.api_key_id)");
        RULES.put("a LIVE lease whose epoch has an end event",
                "SELECT l.account_id || ':' || l.port || '@' || l.epoch FROM lease l WHERE l.account_id = ANY(?)"
                        + " AND l.state = 'LIVE' AND EXISTS (SELECT 1 FROM lease_event e WHERE e.epoch = l.epoch"
                        + " AND e.type <> 'ACQUIRED')");
        RULES.put("an ended lease without the end event of its epoch",
                "SELECT l.account_id || ':' || l.port || '@' || l.epoch FROM lease l WHERE l.account_id = ANY(?)"
                        + " AND l.state <> 'LIVE' AND NOT EXISTS (SELECT 1 FROM lease_event e WHERE e.epoch = l.epoch"
                        + " AND e.type <> 'ACQUIRED')");
        RULES.put("a granted epoch that is neither current nor ended",
                "SELECT e.account_id || ':' || e.port || '@' || e.epoch FROM lease_event e WHERE e.account_id = ANY(?)"
                        + " AND e.type = 'ACQUIRED' AND NOT EXISTS (SELECT 1 FROM lease l WHERE l.epoch = e.epoch)"
                        + " AND NOT EXISTS (SELECT 1 FROM lease_event x WHERE x.epoch = e.epoch AND x.type <> 'ACQUIRED')");
        RULES.put("an end event of an epoch never granted",
                "SELECT e.account_id || ':' || e.port || '@' || e.epoch || ' ' || e.type FROM lease_event e"
                        + " WHERE e.account_id = ANY(?) AND e.type <> 'ACQUIRED' AND NOT EXISTS (SELECT 1 FROM lease_event"
                        + " g WHERE g.epoch = e.epoch AND g.type = 'ACQUIRED' AND g.account_id = e.account_id"
                        + " AND g.port = e.port)");
        RULES.put("a lease whose tunnel row is missing, of another port or key, or not CONNECTED exactly while LIVE",
                "SELECT l.account_id || ':' || l.port || '@' || l.epoch FROM lease l LEFT JOIN tunnel t"
                        + " ON t.tunnel_id = l.tunnel_id WHERE l.account_id = ANY(?) AND (t.tunnel_id IS NULL"
                        + " OR t.account_id <> l.account_id OR t.port <> l.port OR t.api_key_id <> l.api_key_id"
                        + " OR (t.status = 'CONNECTED') <> (l.state = 'LIVE'))");
        RULES.put("a CONNECTED tunnel that is not the tunnel of a LIVE lease",
                "SELECT t.account_id || ':' || t.port || ' ' || t.tunnel_id FROM tunnel t WHERE t.account_id = ANY(?)"
                        + " AND t.status = 'CONNECTED' AND NOT EXISTS (SELECT 1 FROM lease l"
                        + " WHERE l.tunnel_id = t.tunnel_id AND l.state = 'LIVE')");
        RULES.put("a tunnel no grant ever named",
                "SELECT t.account_id || ':' || t.port || ' ' || t.tunnel_id FROM tunnel t WHERE t.account_id = ANY(?)"
                        + " AND NOT EXISTS (SELECT 1 FROM lease_event e WHERE e.type = 'ACQUIRED'"
                        + " AND e.tunnel_id = t.tunnel_id)");
    }

    private LeaseInvariants() {
    }

    /** Every broken rule with up to 5 offending rows; empty when the tables of these accounts are consistent. */
    static List<String> violations(Connection c, List<String> accounts) throws SQLException {
        List<String> broken = new ArrayList<>();
        Array ids = c.createArrayOf("varchar", accounts.toArray());
        for (Map.Entry<String, String> rule : RULES.entrySet()) {
            try (PreparedStatement s = c.prepareStatement(rule.getValue() + " LIMIT 5")) {
                s.setArray(1, ids);
                try (ResultSet rs = s.executeQuery()) {
                    List<String> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                    if (!rows.isEmpty()) {
                        broken.add(rule.getKey() + ": " + rows);
                    }
                }
            }
        }
        return broken;
    }
}
