package io.secureconnect.registry;

import static io.restassured.RestAssured.given;
import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.registry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.IdentityResource;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Grants and releases are counted on /q/metrics (they are logged at DEBUG only), and gRPC calls are measured once,
 * per method by the gRPC binder, not again as HTTP requests.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class LeaseMetricsTest {

    @Test
    void countsGrantsResumptionsAndReleases() {
        double fresh = metric("secureconnect_registry_lease_grants_total\\{resumed=\"false\"}");
        double resumed = metric("secureconnect_registry_lease_grants_total\\{resumed=\"true\"}");
        double released = metric("secureconnect_registry_lease_releases_total");

        String account = account();
        String gw = gateway();
        acquire(account, 30040, "key1", gw);
        Lease again = acquire(account, 30040, "key1", gw).getLease(); // the same key reconnecting: resumed
        assertTrue(registry().releaseLease(ReleaseLeaseRequest.newBuilder().setAccountId(account).setPort(30040)
                .setEpoch(again.getEpoch()).setGatewayId(gw).build()).getReleased());

        assertEquals(fresh + 1, metric("secureconnect_registry_lease_grants_total\\{resumed=\"false\"}"));
        assertEquals(resumed + 1, metric("secureconnect_registry_lease_grants_total\\{resumed=\"true\"}"));
        assertEquals(released + 1, metric("secureconnect_registry_lease_releases_total"));
    }

    @Test
    void measuresGrpcCallsPerMethodAndNotAgainAsHttpRequests() {
        acquire(account(), 30041, "key1", gateway());
        String metrics = given().baseUri("http://127.0.0.1").port(IdentityResource.managementPort()).get("/q/metrics").then()
                .statusCode(200).extract().asString();
        assertTrue(metrics.contains("method=\"AcquireLease\""), "the gRPC binder measures AcquireLease");
        assertFalse(metrics.contains("uri=\"/secureconnect.tunnelregistry"), "gRPC paths measured as HTTP too");
    }

    @Test
    void servesMetricsOnlyOnTheManagementPortNotOnTheRestPort() {
        given().get("/q/metrics").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** The value of the first sample matching {@code name} (a regex), 0 when the meter has no sample yet. */
    private static double metric(String name) {
        String metrics = given().baseUri("http://127.0.0.1").port(IdentityResource.managementPort()).get("/q/metrics").then()
                .statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
