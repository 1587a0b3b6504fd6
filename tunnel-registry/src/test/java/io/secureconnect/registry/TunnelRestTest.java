package io.secureconnect.registry;

import static io.restassured.RestAssured.given;
import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.expire;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.TestKeyValidator.token;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.TrafficCounters;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The REST API for people and automation, over the real listener, with keys checked by key-validator. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class TunnelRestTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    DataSource db;

    private static RequestSpecification as(String account) {
        return given().header("x-api-key", token(account, "admin", "manage")).queryParam("accountIdentifier", account);
    }

    @Test
    void listsTheAccountsTunnelsWithStatusGatewayAgentAndCounters() {
        String account = account();
        String gw = gateway();
        Lease lease = acquire(account, 30050, "key1", gw).getLease();
        Fixtures.registry().renewLease(RenewLeaseRequest.newBuilder().setAccountId(account).setPort(30050)
                .setEpoch(lease.getEpoch()).setGatewayId(gw)
                .setCounters(TrafficCounters.newBuilder().setBytesIn(10).setBytesOut(20)).build());
        acquire(account, 30051, "key2", gw);
        acquire(account(), 30052, "key3", gw); // another account's tunnel is never listed
        as(account).when().get("/api/v1/tunnels").then().statusCode(200)
                .body("port", contains(30050, 30051))
                .body("[0].status", equalTo("CONNECTED"))
                .body("[0].tunnelId", equalTo(lease.getTunnelId()))
                .body("[0].accountIdentifier", equalTo(account))
                .body("[0].gatewayId", equalTo(gw))
                .body("[0].proxyHost", equalTo("proxy.test"))
                .body("[0].agentHost", equalTo("host-key1"))
                .body("[0].agentVersion", equalTo("agent 1.2"))
                .body("[0].connectedSince", notNullValue())
                .body("[0].lastHeartbeat", notNullValue())
                .body("[0].disconnectedSince", nullValue())
                .body("[0].bytesIn", equalTo(10))
                .body("[0].bytesOut", equalTo(20))
                .body("[0].epoch", equalTo((int) lease.getEpoch()));
    }

    @Test
    void getsTheTunnelOfOnePortAndAnswers404ForAPortWithoutOne() {
        String account = account();
        acquire(account, 30053, "key1", gateway());
        as(account).when().get("/api/v1/tunnels/30053").then().statusCode(200).body("port", equalTo(30053));
        as(account).when().get("/api/v1/tunnels/30054").then().statusCode(404).contentType(PROBLEM)
                .body("code", equalTo("ENTITY_NOT_FOUND"));
    }

    @ParameterizedTest(name = "refuses port ''{0}'' in the path")
    @ValueSource(strings = {"29999", "30100", "-1", "65536", "30001abc", "0"})
    void refusesAPortOutsideThePoolInThePath(String port) {
        String account = account();
        as(account).when().get("/api/v1/tunnels/" + port).then().statusCode(400).contentType(PROBLEM)
                .body("code", equalTo("PORT_OUT_OF_RANGE"))
                .body("detail", containsString("must be an integer from 30000 to 30099"))
                .body("errors[0].field", equalTo("port"));
        as(account).when().delete("/api/v1/tunnels/" + port + "/lease").then().statusCode(400)
                .body("code", equalTo("PORT_OUT_OF_RANGE"));
    }

    @Test
    void refusesAMissingOrMalformedAccount() {
        given().header("x-api-key", token("acct1", "admin", "manage")).when().get("/api/v1/tunnels")
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("INVALID_FIELD"))
                .body("errors[0].field", equalTo("accountIdentifier"));
        as("").when().get("/api/v1/port-pool").then().statusCode(400).body("code", equalTo("INVALID_FIELD"));
        given().header("x-api-key", token("acct1", "admin", "manage")).queryParam("accountIdentifier", "a;b")
                .when().get("/api/v1/tunnels").then().statusCode(400).body("code", equalTo("INVALID_FIELD"));
    }

    @Test
    void showsThePortPoolWithUsedAndReservedPorts() {
        String account = account();
        String gw = gateway();
        acquire(account, 30000, "key1", gw);
        acquire(account, 30099, "key2", gw);
        acquire(account, 30010, "key3", gw);
        expire(db, account, 30010, 5); // expired, but reserved for its key's reconnection
        as(account).when().get("/api/v1/port-pool").then().statusCode(200)
                .body("accountIdentifier", equalTo(account))
                .body("first", equalTo(30000)).body("last", equalTo(30099))
                .body("usedPorts", contains(30000, 30010, 30099))
                .body("freeCount", equalTo(97));
    }

    @Test
    void forceReleasesALeaseSoAnotherKeyCanTakeThePort() {
        String account = account();
        String gw = gateway();
        acquire(account, 30055, "key1", gw);
        as(account).when().delete("/api/v1/tunnels/30055/lease").then().statusCode(204);
        as(account).when().get("/api/v1/tunnels/30055").then().statusCode(200).body("status", equalTo("DISCONNECTED"))
                .body("disconnectedSince", notNullValue());
        assertEquals(30055, acquire(account, 30055, "key2", gw).getLease().getPort());
        as(account).when().delete("/api/v1/tunnels/30056/lease").then().statusCode(404).contentType(PROBLEM)
                .body("code", equalTo("LEASE_NOT_FOUND"));
    }

    @Test
    void forceReleaseDropsAReservationForAReconnectingKey() {
        String account = account();
        String gw = gateway();
        acquire(account, 30057, "key1", gw);
        expire(db, account, 30057, 5);
        as(account).when().delete("/api/v1/tunnels/30057/lease").then().statusCode(204);
        assertEquals(30057, acquire(account, 30057, "key2", gw).getLease().getPort());
    }

    @Test
    void listsGatewaysForAnyAccountsManager() {
        String gw = gateway();
        given().header("x-api-key", token(account(), "admin", "manage")).when().get("/api/v1/gateways")
                .then().statusCode(200).body("gatewayId", hasItem(gw))
                .body("find { it.gatewayId == '" + gw + "' }.live", equalTo(true))
                .body("find { it.gatewayId == '" + gw + "' }.agentEndpoint", equalTo("gw.test:8443"));
    }

    @Test
    void answers401WithoutAValidKey() {
        String account = account();
        given().queryParam("accountIdentifier", account).when().get("/api/v1/tunnels").then().statusCode(401)
                .contentType(PROBLEM).body("code", equalTo("UNAUTHENTICATED"));
        given().header("x-api-key", token(account, "k", "wrong")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/tunnels").then().statusCode(401).body("code", equalTo("API_KEY_UNKNOWN"));
        given().header("x-api-key", token(account, "k", "expired")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/tunnels").then().statusCode(401).body("code", equalTo("API_KEY_EXPIRED"));
        given().header("x-api-key", token(account, "k", "revoked")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/gateways").then().statusCode(401).body("code", equalTo("API_KEY_REVOKED"));
        given().header("x-api-key", "not-a-token").queryParam("accountIdentifier", account)
                .when().get("/api/v1/tunnels").then().statusCode(401).body("code", equalTo("API_KEY_MALFORMED"))
                .body("detail", containsString("malformed"));
    }

    @Test
    void answers403ForAnotherAccountsKeyOrAMissingPermission() {
        String account = account();
        String gw = gateway();
        acquire(account, 30058, "key1", gw);
        given().header("x-api-key", token(account(), "k", "manage")).queryParam("accountIdentifier", account)
                .when().delete("/api/v1/tunnels/30058/lease").then().statusCode(403).contentType(PROBLEM)
                .body("code", equalTo("WRONG_ACCOUNT"));
        given().header("x-api-key", token(account, "k", "view")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/tunnels").then().statusCode(403).body("code", equalTo("MISSING_PERMISSION"))
                .body("detail", containsString("core_secureconnect_manage"));
        as(account).when().get("/api/v1/tunnels/30058").then().statusCode(200).body("status", equalTo("CONNECTED"));
    }

    @Test
    void answers503AndLetsNothingThroughWhenKeyValidatorIsDown() {
        String account = account();
        TestKeyValidator.AVAILABLE.set(false);
        try {
            as(account).when().get("/api/v1/tunnels").then().statusCode(503).contentType(PROBLEM)
                    .header("Retry-After", "5").body("code", equalTo("KEY_VALIDATOR_UNAVAILABLE"));
        } finally {
            TestKeyValidator.AVAILABLE.set(true);
        }
    }

    @Test
    void answers429NamingWhichThrottleHeldTheKeyBack() {
        String account = account();
        given().header("x-api-key", token(account, "k", "key_throttled")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/tunnels").then().statusCode(429).contentType(PROBLEM)
                .header("Retry-After", "17").body("code", equalTo("KEY_THROTTLED"))
                .body("detail", containsString("this API key"));
        given().header("x-api-key", token(account, "k", "rate_limited")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/tunnels").then().statusCode(429).contentType(PROBLEM)
                .header("Retry-After", "17").body("code", equalTo("RATE_LIMITED"))
                .body("detail", containsString("this client"));
    }

    @Test
    void neverEchoesTheApiKeyInAnError() {
        String secretToken = token(account(), "k", "s3cr3t-value");
        given().header("x-api-key", secretToken).queryParam("accountIdentifier", account())
                .when().get("/api/v1/tunnels").then().statusCode(401)
                .body(org.hamcrest.Matchers.not(containsString("s3cr3t-value")));
        as(account()).when().get("/api/v1/tunnels").then().statusCode(200).body("$", hasSize(0));
    }
}
