package io.secureconnect.registry.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.registry.TestKeyValidator;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.LocalPostgres;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreErrorCode;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.Test;

/**
 * The lease functions live in {@code R__lease_functions.sql}: a fresh database gets them from there, and a database
 * migrated by commit 6fc62f9 (whose V2-V5 defined them) is taken over by the registry's own Flyway configuration
 * ({@link LeaseFunctionsMoved}) with its data intact, ending with the same functions as a fresh one. Such a database
 * is built from today's migrations and then given 6fc62f9's schema history (see {@code asMigratedBy6fc62f9}), so no
 * copy of the old SQL is kept. Each case works on a database of its own next to the registry's (which Quarkus
 * migrated fresh at start), dropped afterwards.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class LeaseFunctionsMigrationTest {

    private static final String FUNCTIONS = "SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid)"
            + " || ')', pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE n.nspname = current_schema()";
    private static final String LEASES = "SELECT account_id || ':' || port, epoch || ' ' || state || ' ' || tunnel_id"
            + " || ' ' || api_key_id || ' ' || agent_id || ' ' || expires_at FROM lease";

    @Inject
    DataSource db;

    /** The registry's Flyway, as Quarkus configured it (locations, callbacks): used here on other databases. */
    @Inject
    Flyway flyway;

    @Test
    void aFreshDatabaseGetsEveryLeaseFunctionFromTheRepeatableMigration() throws SQLException {
        try (Connection c = db.getConnection()) {
            Map<String, String> history = rows(c, "SELECT coalesce(version, description), checksum::text"
                    + " FROM flyway_schema_history WHERE success");
            for (LeaseFunctionsMoved.Edit edit : LeaseFunctionsMoved.EDITS) {
                assertEquals(String.valueOf(edit.now()), history.get(edit.version()),
                        "V" + edit.version() + " as shipped has the checksum LeaseFunctionsMoved aligns to");
            }
            assertTrue(history.containsKey("lease functions"), history.toString());
            assertEquals(List.of("lease_acquire", "lease_batch", "lease_claim", "lease_claim_free",
                    "lease_claim_free_set", "lease_gateway_refusal", "lease_resumable_port"),
                    rows(c, FUNCTIONS).keySet().stream().map(f -> f.substring(0, f.indexOf('('))).toList());
            assertEquals("{plan_cache_mode=force_generic_plan}", text(c, "SELECT proconfig::text FROM pg_proc"
                    + " WHERE proname = 'lease_acquire'"), "lease_acquire keeps V4's generic plans");
        }
    }

    @Test
    void aDatabaseOfCommit6fc62f9StartsWithTheLiveFunctionsAndItsDataIntact() throws SQLException {
        String database = LocalPostgres.createUniqueDatabase("released");
        try {
            registryFlyway(database).migrate();
            Map<String, String> leases;
            Map<String, String> counts;
            try (Connection c = connect(database)) {
                seed(c);
                leases = rows(c, LEASES);
                counts = counts(c);
                asMigratedBy6fc62f9(c);
                // and without its functions, so that only R__ can give them back
                for (String function : rows(c, FUNCTIONS).keySet()) {
                    update(c, "DROP FUNCTION " + function);
                }
                assertEquals(Map.of(), rows(c, FUNCTIONS));
            }
            assertEquals(List.of("2", "3", "4", "5"), checksumMismatches(database),
                    "without LeaseFunctionsMoved, Flyway refuses the database as 6fc62f9 left it");

            MigrateResult result = registryFlyway(database).migrate();

            assertEquals(List.of("lease functions"), result.migrations.stream().map(m -> m.description).toList(),
                    "only the repeatable migration runs; V2-V5 were applied already");
            assertTrue(registryFlyway(database).validateWithResult().validationSuccessful);
            try (Connection c = connect(database); Connection fresh = db.getConnection()) {
                Map<String, String> history = rows(c, "SELECT version, checksum::text FROM flyway_schema_history"
                        + " WHERE version IS NOT NULL");
                for (LeaseFunctionsMoved.Edit edit : LeaseFunctionsMoved.EDITS) {
                    assertEquals(String.valueOf(edit.now()), history.get(edit.version()), "V" + edit.version());
                }
                assertEquals(rows(fresh, FUNCTIONS), rows(c, FUNCTIONS), "the same functions as a fresh database");
                assertEquals(leases, rows(c, LEASES));
                assertEquals(counts, counts(c));
                assertLiveFunctionsServe(c);
            }
        } finally {
            LocalPostgres.dropDatabase(database);
        }
    }

    @Test
    void aChecksumNeitherReleasedNorCurrentStillFailsValidation() throws SQLException {
        String database = LocalPostgres.createUniqueDatabase("edited");
        try {
            registryFlyway(database).migrate();
            try (Connection c = connect(database)) {
                update(c, "UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '3'");
            }

            assertFalse(registryFlyway(database).validateWithResult().validationSuccessful);
            FlywayException refused = assertThrows(FlywayException.class, () -> registryFlyway(database).migrate());
            assertTrue(refused.getMessage().contains("checksum mismatch"), refused.getMessage());
            try (Connection c = connect(database)) {
                assertEquals("12345", text(c, "SELECT checksum::text FROM flyway_schema_history WHERE version = '3'"));
            }
        } finally {
            LocalPostgres.dropDatabase(database);
        }
    }

    @Test
    void theRepeatableMigrationRunsAgainOverTheFunctionsItDefined() throws SQLException {
        String database = LocalPostgres.createUniqueDatabase("rerun");
        try {
            registryFlyway(database).migrate();
            Map<String, String> before;
            try (Connection c = connect(database)) {
                before = rows(c, FUNCTIONS);
                seed(c);
                // as if the file had changed since: Flyway applies it again
                update(c, "UPDATE flyway_schema_history SET checksum = checksum + 1"
                        + " WHERE description = 'lease functions'");
            }

            assertEquals(1, registryFlyway(database).migrate().migrationsExecuted);
            try (Connection c = connect(database)) {
                assertEquals(before, rows(c, FUNCTIONS));
                assertLiveFunctionsServe(c);
            }
        } finally {
            LocalPostgres.dropDatabase(database);
        }
    }

    private Flyway registryFlyway(String database) {
        return Flyway.configure(Thread.currentThread().getContextClassLoader()).configuration(flyway.getConfiguration())
                .dataSource(url(database), LocalPostgres.user(), LocalPostgres.password()).load();
    }

    /**
     * Gives a database migrated with today's files the schema history 6fc62f9 left: V2-V5 with the checksums of their
     * files as 6fc62f9 shipped them ({@link LeaseFunctionsMoved#EDITS}), and no row for R__, which did not exist.
     */
    private static void asMigratedBy6fc62f9(Connection c) throws SQLException {
        // Nothing else tells the two apart: the schema of 6fc62f9's V1-V6, of today's V1-V6 + R__, and of 6fc62f9's
        // V1-V6 + R__ is the same to the byte (pg_dump -s, compared when the functions moved, in 6abb818). To repeat
        // it from the repository root against the local PostgreSQL (drop the cmp_* databases afterwards):
        //   M=tunnel-registry/src/main/resources/db/migration; P="psql -h 127.0.0.1 -U postgres -q -v ON_ERROR_STOP=1"
        //   for d in old new oldr; do $P -c "CREATE DATABASE cmp_$d"; done
        //   for v in V1__tunnels_leases_gateways V2__acquire_lease_function V3__lease_claim_and_batches \
        //       V4__set_based_free_port_claims V5__fewer_statements_per_lease_change V6__frp_sessions_per_frps_instance
        //   do
        //     git show 6fc62f9:$M/$v.sql | $P -1 -d cmp_old -f -
        //     git show 6fc62f9:$M/$v.sql | $P -1 -d cmp_oldr -f -
        //     $P -1 -d cmp_new -f $M/$v.sql
        //   done
        //   $P -1 -d cmp_new -f $M/R__lease_functions.sql; $P -1 -d cmp_oldr -f $M/R__lease_functions.sql
        //   for d in old new oldr
        //   do pg_dump -h 127.0.0.1 -U postgres -s --restrict-key=cmp cmp_$d >/tmp/cmp_$d.sql; done
        //   cmp /tmp/cmp_old.sql /tmp/cmp_new.sql && cmp /tmp/cmp_new.sql /tmp/cmp_oldr.sql && echo identical
        // The released checksums in EDITS are Flyway's for the files git show 6fc62f9:$M/V2__... to V5__... prints
        // (this test checked each while it migrated byte-exact copies of those files, up to 46b91af).
        for (LeaseFunctionsMoved.Edit edit : LeaseFunctionsMoved.EDITS) {
            update(c, "UPDATE flyway_schema_history SET checksum = " + edit.released() + " WHERE version = '"
                    + edit.version() + "'");
        }
        update(c, "DELETE FROM flyway_schema_history WHERE version IS NULL AND description = 'lease functions'");
        assertEquals(List.of("1", "2", "3", "4", "5", "6"), column(c, "SELECT coalesce(version, description)"
                + " FROM flyway_schema_history WHERE success ORDER BY installed_rank"));
    }

    /** The versions Flyway, with the registry's migrations but without LeaseFunctionsMoved, finds edited. */
    private List<String> checksumMismatches(String database) {
        ValidateResult result = Flyway.configure(Thread.currentThread().getContextClassLoader())
                .locations(flyway.getConfiguration().getLocations())
                .dataSource(url(database), LocalPostgres.user(), LocalPostgres.password()).load().validateWithResult();
        return result.invalidMigrations.stream()
                .filter(m -> m.errorDetails.errorCode == CoreErrorCode.CHECKSUM_MISMATCH)
                .map(m -> m.version).sorted().toList();
    }

    /**
     * Leases written by the functions there are: a gateway, three acquisitions through lease_acquire (ports 30000 and
     * 30001 named, one any port), and a batch that releases 30001 and acquires any port.
     */
    private static void seed(Connection c) throws SQLException {
        update(c, "INSERT INTO gateway (gateway_id, agent_endpoint, proxy_host, expires_at)"
                + " VALUES ('gw-upgrade', 'gw:8443', 'proxy', now() + interval '1 hour')");
        for (String acquisition : new String[] {"'acct_up', 30000, 'key-a'", "'acct_up', 30001, 'key-b'",
                "'acct_up', 0, 'key-c'"}) {
            assertEquals("GRANTED", text(c, "SELECT outcome FROM lease_acquire(" + acquisition + ", 'gw-upgrade',"
                    + " 'agent-' || " + acquisition.substring(acquisition.lastIndexOf(',') + 1) + ", 'host', 'v1',"
                    + " false, 30, 30, 30000, 30009)"));
        }
        List<String> answers = column(c, "SELECT (b.answer).outcome FROM lease_batch(ARRAY['acct_up'], ARRAY[30001],"
                + " ARRAY[(SELECT epoch FROM lease WHERE account_id = 'acct_up' AND port = 30001)],"
                + " ARRAY['gw-upgrade'], ARRAY['acct_up'], ARRAY[0], ARRAY['key-d'], ARRAY['gw-upgrade'],"
                + " ARRAY['agent-key-d'], ARRAY['host'], ARRAY['v1'], 30, 30, 30000, 30009) b ORDER BY b.req");
        assertEquals(List.of("RELEASED", "GRANTED"), answers);
    }

    /** lease_acquire resumes key-a's agent on its port with a new epoch; lease_batch releases it. */
    private static void assertLiveFunctionsServe(Connection c) throws SQLException {
        String before = text(c, "SELECT epoch::text FROM lease WHERE account_id = 'acct_up' AND port = 30000");
        assertEquals("GRANTED 30000 true", text(c, "SELECT outcome || ' ' || port || ' ' || resumed FROM"
                + " lease_acquire('acct_up', 0, 'key-a', 'gw-upgrade', 'agent-key-a', 'host', 'v2', false, 30, 30,"
                + " 30000, 30009)"));
        String after = text(c, "SELECT epoch::text FROM lease WHERE account_id = 'acct_up' AND port = 30000");
        assertNotEquals(before, after);
        assertEquals(List.of("RELEASED"), column(c, "SELECT (b.answer).outcome FROM lease_batch(ARRAY['acct_up'],"
                + " ARRAY[30000], ARRAY[" + after + "::bigint], ARRAY['gw-upgrade'], '{}', '{}', '{}', '{}', '{}',"
                + " '{}', '{}', 30, 30, 30000, 30009) b"));
    }

    private static Map<String, String> counts(Connection c) throws SQLException {
        return rows(c, "SELECT 'lease', count(*)::text FROM lease UNION ALL SELECT 'tunnel', count(*)::text FROM tunnel"
                + " UNION ALL SELECT 'lease_event', count(*)::text FROM lease_event UNION ALL SELECT 'gateway',"
                + " count(*)::text FROM gateway");
    }

    private static String url(String database) {
        return LocalPostgres.jdbcUrl(database);
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), LocalPostgres.user(), LocalPostgres.password());
    }

    private static void update(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.executeUpdate();
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        List<String> values = column(c, sql);
        assertEquals(1, values.size(), sql);
        return values.get(0);
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** The first column as keys (sorted), the second as values. */
    private static Map<String, String> rows(Connection c, String sql) throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
        }
        return rows;
    }
}
