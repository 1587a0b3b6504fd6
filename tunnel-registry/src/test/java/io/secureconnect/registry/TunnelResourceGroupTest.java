package io.secureconnect.registry;

import static io.restassured.RestAssured.given;
import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.TestKeyValidator.token;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.testing.FreshDatabaseResource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tunnels are SECURE_CONNECT resources named by their port: a key whose resource group names some ports sees,
 * reads and force-releases only those, is refused every other port alike (with or without a tunnel), and may not
 * read the port pool, which speaks of every port. Reads back with an ABAC All key show nothing else changed.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class TunnelResourceGroupTest {

    private static final String PROBLEM = "application/problem+json";

    private String account;

    @BeforeEach
    void threeTunnelsOfOneAccount() {
        account = account();
        String gw = gateway();
        acquire(account, 30071, "key1", gw);
        acquire(account, 30072, "key2", gw);
        acquire(account, 30073, "key3", gw);
    }

    private RequestSpecification as(String secret) {
        return given().header("x-api-key", token(account, "k", secret)).queryParam("accountIdentifier", account);
    }

    private RequestSpecification admin() {
        return as("manage");
    }

    @Test
    void listsOnlyThePortsItsGroupNames() {
        as("only_30071_30073").when().get("/api/v1/tunnels").then().statusCode(200).body("port", contains(30071, 30073));
        as("narrow").when().get("/api/v1/tunnels").then().statusCode(200).body("$", hasSize(0));
        admin().when().get("/api/v1/tunnels").then().statusCode(200).body("port", contains(30071, 30072, 30073));
    }

    @Test
    void readsAndForceReleasesItsPortOnly() {
        as("only_30071").when().get("/api/v1/tunnels/30071").then().statusCode(200).body("status", equalTo("CONNECTED"));
        as("only_30071").when().delete("/api/v1/tunnels/30071/lease").then().statusCode(204);
        admin().when().get("/api/v1/tunnels/30071").then().statusCode(200).body("status", equalTo("DISCONNECTED"));
    }

    @Test
    void refusesEveryOtherPortAlikeWithOrWithoutATunnelAndReleasesNothing() {
        for (String port : new String[] {"30072", "30099"}) {
            as("only_30071").when().get("/api/v1/tunnels/" + port).then().statusCode(403).contentType(PROBLEM)
                    .body("code", equalTo("ABAC_SCOPE_TOO_NARROW"))
                    .body("detail", equalTo("this API key may not act on SECURE_CONNECT '" + port
                            + "': its resource groups do not cover it"));
            as("only_30071").when().delete("/api/v1/tunnels/" + port + "/lease").then().statusCode(403)
                    .body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
        }
        as("narrow").when().delete("/api/v1/tunnels/30073/lease").then().statusCode(403);
        admin().when().get("/api/v1/tunnels").then().statusCode(200)
                .body("status", contains("CONNECTED", "CONNECTED", "CONNECTED"));
    }

    @Test
    void mayNotReadThePortPoolUnlessItCoversEveryPort() {
        as("only_30071").when().get("/api/v1/port-pool").then().statusCode(403).contentType(PROBLEM)
                .body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
        admin().when().get("/api/v1/port-pool").then().statusCode(200).body("usedPorts", contains(30071, 30072, 30073));
    }

    @Test
    void checksThePortBeforeTheGroup() {
        as("only_30071").when().get("/api/v1/tunnels/29999").then().statusCode(400)
                .body("code", equalTo("PORT_OUT_OF_RANGE"));
        as("view").when().get("/api/v1/tunnels/30071").then().statusCode(403)
                .body("code", equalTo("MISSING_PERMISSION"));
    }
}
