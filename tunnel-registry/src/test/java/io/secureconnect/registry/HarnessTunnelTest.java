package io.secureconnect.registry;

import static io.restassured.RestAssured.given;
import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.number;
import static io.secureconnect.registry.TestKeyValidator.token;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The two calls of Harness's own frps fork: POST/DELETE /ng/api/tunnel with {"port": "...", "userCredentials": ...}. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class HarnessTunnelTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    DataSource db;

    private static RequestSpecification fork(String account, String secret) {
        return given().contentType("application/json").header("x-api-key", token(account, "agentkey", secret))
                .queryParam("accountIdentifier", account);
    }

    private static String body(String port, String credentials) {
        return "{\"port\":" + port + ",\"userCredentials\":\"" + credentials + "\"}";
    }

    @Test
    void registersAPortHeldUntilUnregisteredAndKeepsOnlyAHashOfTheCredentials() {
        String account = account();
        fork(account, "view").body(body("\"30070\"", "frpc-secret-1")).when().post("/ng/api/tunnel")
                .then().statusCode(200).body("accountIdentifier", equalTo(account)).body("port", equalTo(30070))
                .body("tunnelId", notNullValue()).body("epoch", notNullValue());
        given().header("x-api-key", token(account, "admin", "manage")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/tunnels/30070").then().statusCode(200).body("status", equalTo("CONNECTED"))
                .body("leaseExpiresAt", nullValue()).body("gatewayId", equalTo("frps"));
        assertEquals(1, number(db, "SELECT count(*) FROM frp_registration WHERE account_id = ? AND port = 30070"
                + " AND credentials_sha256 = encode(sha256('frpc-secret-1'::bytea), 'hex')", account));
        assertEquals(0, number(db, "SELECT count(*) FROM frp_registration WHERE credentials_sha256 LIKE '%frpc-secret%'"));

        fork(account, "view").body(body("\"30070\"", "another-secret")).when().delete("/ng/api/tunnel")
                .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("CREDENTIALS_MISMATCH"));
        assertEquals(1, number(db, "SELECT count(*) FROM frp_registration WHERE account_id = ?", account));
        fork(account, "view").body(body("\"30070\"", "frpc-secret-1")).when().delete("/ng/api/tunnel")
                .then().statusCode(204);
        assertEquals(0, number(db, "SELECT count(*) FROM frp_registration WHERE account_id = ?", account));
        assertEquals(1, number(db, "SELECT count(*) FROM lease WHERE account_id = ? AND state = 'RELEASED'", account));
        fork(account, "view").body(body("\"30070\"", "frpc-secret-1")).when().delete("/ng/api/tunnel")
                .then().statusCode(404).body("code", equalTo("TUNNEL_NOT_REGISTERED"));
    }

    @Test
    void refusesAPortRegisteredByAnotherKeyOfTheAccount() {
        String account = account();
        fork(account, "view").body(body("\"30071\"", "c1")).when().post("/ng/api/tunnel").then().statusCode(200);
        given().contentType("application/json").header("x-api-key", token(account, "otherkey", "view"))
                .queryParam("accountIdentifier", account).body(body("\"30071\"", "c2"))
                .when().post("/ng/api/tunnel").then().statusCode(409).contentType(PROBLEM)
                .body("code", equalTo("PORT_HELD"));
    }

    @ParameterizedTest(name = "refuses port {0}")
    @ValueSource(strings = {"\"29999\"", "\"30100\"", "\"-1\"", "\"65536\"", "\"30001abc\"", "\"\""})
    void refusesAPortOutsideThePool(String port) {
        String account = account();
        fork(account, "view").body(body(port, "c")).when().post("/ng/api/tunnel").then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("port"));
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", account));
    }

    @Test
    void refusesMissingOrMistypedFields() {
        String account = account();
        fork(account, "view").body("{\"port\":\"30072\"}").when().post("/ng/api/tunnel").then().statusCode(400)
                .body("code", equalTo("INVALID_FIELD")).body("errors[0].field", equalTo("userCredentials"));
        fork(account, "view").body("{\"userCredentials\":\"c\"}").when().post("/ng/api/tunnel").then()
                .statusCode(400).body("errors[0].field", equalTo("port"));
        fork(account, "view").body("{\"port\":{\"n\":1},\"userCredentials\":\"c\"}").when().post("/ng/api/tunnel")
                .then().statusCode(400).contentType(PROBLEM);
        fork(account, "view").when().post("/ng/api/tunnel").then().statusCode(400).contentType(PROBLEM);
        given().contentType("application/json").header("x-api-key", token(account, "agentkey", "view"))
                .body(body("\"30072\"", "c")).when().post("/ng/api/tunnel").then().statusCode(400)
                .body("errors[0].field", equalTo("accountIdentifier"));
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", account));
    }

    @Test
    void demandsTheAccountsAgentKeyWithScopeAll() {
        String account = account();
        given().contentType("application/json").queryParam("accountIdentifier", account).body(body("\"30073\"", "c"))
                .when().post("/ng/api/tunnel").then().statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
        fork(account, "narrow").body(body("\"30073\"", "c")).when().post("/ng/api/tunnel").then().statusCode(403)
                .body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
        given().contentType("application/json").header("x-api-key", token(account(), "k", "view"))
                .queryParam("accountIdentifier", account).body(body("\"30073\"", "c"))
                .when().post("/ng/api/tunnel").then().statusCode(403).body("code", equalTo("WRONG_ACCOUNT"));
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", account));
    }
}
