package io.secureconnect.registry.reliability;

import static io.restassured.RestAssured.given;
import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.number;
import static io.secureconnect.registry.Fixtures.registry;
import static io.secureconnect.registry.TestKeyValidator.token;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.registry.TestKeyValidator;
import io.secureconnect.testing.DatabaseOutage;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.time.Duration;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The registry's database taken away for 10 s while it runs (README "Reliability"): leasing fails closed with
 * UNAVAILABLE / 503 DATABASE_UNAVAILABLE (never INTERNAL / 500), nothing is written, and leases are granted and renewed
 * again with no restart once the database is back.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class DatabaseOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration HANG_GUARD = Duration.ofSeconds(15);
    private static final String LEASES = "SELECT count(*) FROM lease WHERE account_id = ?";
    private static final String EVENTS = "SELECT count(*) FROM lease_event WHERE account_id = ?";

    @Inject
    DataSource db;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String databaseUrl;

    @Test
    void failsClosedWhileTheDatabaseIsAwayAndRecoversByItself() {
        String account = account();
        String gw = gateway();
        Lease held = acquire(account, 30090, "key1", gw).getLease();
        long leases = number(db, LEASES, account);
        long events = number(db, EVENTS, account);

        try (DatabaseOutage outage = DatabaseOutage.of(databaseUrl)) {
            unavailable(() -> acquire(account, 30091, "key2", gw));
            Duration firstUnavailable = outage.elapsed();
            unavailable(() -> registry().renewLease(renew(held)));
            as(account).get("/api/v1/tunnels").then().statusCode(503).contentType("application/problem+json")
                    .body("code", equalTo("DATABASE_UNAVAILABLE"));
            as(account).delete("/api/v1/tunnels/30090/lease").then().statusCode(503)
                    .contentType("application/problem+json").body("code", equalTo("DATABASE_UNAVAILABLE"));
            while (outage.elapsed().compareTo(OUTAGE) < 0) {
                unavailable(() -> acquire(account, 30091, "key2", gw));
                unavailable(() -> registry().renewLease(renew(held)));
            }
            outage.end();

            Duration recovered = DatabaseOutage.await(HANG_GUARD, "RenewLease working again",
                    () -> renews(held));
            System.out.printf("[reliability] tunnel-registry, lease database away %d s: first AcquireLease"
                    + " UNAVAILABLE after %d ms; RenewLease recovered %d ms after it was back%n",
                    OUTAGE.toSeconds(), firstUnavailable.toMillis(), recovered.toMillis());
        }

        assertEquals(leases, number(db, LEASES, account), "no lease was written during the outage");
        assertEquals(events, number(db, EVENTS, account), "no lease event was written during the outage");
        assertEquals(held.getEpoch(), number(db, "SELECT epoch FROM lease WHERE account_id = ? AND port = 30090"
                + " AND state = 'LIVE'", account), "the force-release during the outage did not happen");
        assertEquals(30091, acquire(account, 30091, "key2", gw).getLease().getPort());
        as(account).get("/api/v1/tunnels").then().statusCode(200);
    }

    private static RequestSpecification as(String account) {
        return given().header("x-api-key", token(account, "admin", "manage")).queryParam("accountIdentifier", account);
    }

    private static RenewLeaseRequest renew(Lease lease) {
        return RenewLeaseRequest.newBuilder().setAccountId(lease.getAccountId()).setPort(lease.getPort())
                .setEpoch(lease.getEpoch()).setGatewayId(lease.getGatewayId()).build();
    }

    private static boolean renews(Lease lease) {
        try {
            registry().renewLease(renew(lease));
            return true;
        } catch (StatusRuntimeException e) {
            assertDatabaseUnavailable(e);
            return false;
        }
    }

    private static void unavailable(Executable call) {
        assertDatabaseUnavailable(assertThrows(StatusRuntimeException.class, call));
    }

    private static void assertDatabaseUnavailable(StatusRuntimeException e) {
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().getDescription());
        assertEquals("DATABASE_UNAVAILABLE", GrpcFailure.reason(e).orElse(null), e.getStatus().getDescription());
    }
}
