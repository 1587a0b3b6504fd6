package io.secureconnect.registry;

import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.IdentityResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * 200 concurrent AcquireLease calls over gRPC from 4 accounts: per account 26 for named ports (two different keys
 * for each of 13 ports) and 24 for "any free port", every call with its own API key. The database must grant each
 * (account, port) at most once, with distinct epochs, and the final table must hold exactly the grants.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class ContentionTest {

    private static final int ACCOUNTS = 4;
    private static final int NAMED_PORTS = 13;
    private static final int ANY_PORT_CALLS = 24;

    @Inject
    DataSource db;

    record Call(String account, int port, String apiKeyId) {
    }

    record Outcome(Call call, Lease lease, StatusRuntimeException failure, long nanos) {
    }

    @Test
    void grantsEachAccountPortAtMostOnceWithDistinctEpochsAndTheTableAgrees() throws Exception {
        String gw = gateway();
        List<Call> calls = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        for (int a = 0; a < ACCOUNTS; a++) {
            String account = account();
            accounts.add(account);
            for (int i = 0; i < NAMED_PORTS * 2; i++) {
                calls.add(new Call(account, 30000 + (i % NAMED_PORTS), "named-" + i));
            }
            for (int i = 0; i < ANY_PORT_CALLS; i++) {
                calls.add(new Call(account, 0, "any-" + i));
            }
        }
        assertEquals(200, calls.size());

        List<Outcome> outcomes = ConcurrentGrants.atOnce(calls, call -> {
            long began = System.nanoTime();
            try {
                Lease lease = acquire(call.account, call.port, call.apiKeyId, gw).getLease();
                return new Outcome(call, lease, null, System.nanoTime() - began);
            } catch (StatusRuntimeException e) {
                return new Outcome(call, null, e, System.nanoTime() - began);
            }
        });
        long[] millis = outcomes.stream().mapToLong(o -> o.nanos / 1_000_000).sorted().toArray();
        System.out.printf("contention: 200 concurrent acquisitions, p50 %d ms, p99 %d ms, max %d ms%n",
                millis[99], millis[197], millis[199]);

        Fixtures.assertBatched(io.restassured.RestAssured.given().baseUri("http://127.0.0.1").port(IdentityResource.managementPort())
                .get("/q/metrics").then().statusCode(200).extract()
                .asString());
        Map<String, Map<Integer, Lease>> granted = ConcurrentGrants.check(outcomes.stream()
                .map(o -> new ConcurrentGrants.Answer(o.call.account, o.call.port, o.call.apiKeyId, o.lease, o.failure))
                .toList());
        for (String account : accounts) {
            Map<Integer, Lease> grants = granted.get(account);
            for (int port = 30000; port < 30000 + NAMED_PORTS; port++) {
                assertTrue(grants.containsKey(port), "named port " + port + " of " + account + " ended up free");
            }
            assertEquals(grants, tableOf(account, grants), "the lease table of " + account + " disagrees with the grants");
            assertEquals(grants.size(), Fixtures.number(db,
                    "SELECT count(*) FROM lease_event WHERE account_id = ? AND type = 'ACQUIRED'", account));
            assertEquals(grants.size(), Fixtures.number(db,
                    "SELECT count(*) FROM tunnel WHERE account_id = ? AND status = 'CONNECTED'", account));
        }
    }

    /** The live leases of the account in the table, keyed like the grants. */
    private Map<Integer, Lease> tableOf(String account, Map<Integer, Lease> grants) throws SQLException {
        Map<Integer, Lease> table = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("SELECT port, epoch,"
                + " api_key_id, tunnel_id::text FROM lease WHERE account_id = ? AND state = 'LIVE'")) {
            s.setString(1, account);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Lease granted = grants.get(rs.getInt(1));
                    boolean same = granted != null && granted.getEpoch() == rs.getLong(2)
                            && granted.getApiKeyId().equals(rs.getString(3)) && granted.getTunnelId().equals(rs.getString(4));
                    table.put(rs.getInt(1), same ? granted : Lease.newBuilder().setPort(rs.getInt(1))
                            .setEpoch(rs.getLong(2)).setApiKeyId(rs.getString(3)).build());
                }
            }
        }
        return table;
    }
}
