package io.secureconnect.policy.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import org.junit.jupiter.api.Test;

/**
 * REST callers are checked by key-validator (ValidateToken over gRPC): 401 for keys that prove nothing, 403 for
 * keys that may not do this here, and the answer never holds the key.
 */
@QuarkusTest
class ConnectorAuthTest {

    @Test
    void refusesACallWithoutAKey() {
        String account = Keys.newAccount();
        given().queryParam("accountIdentifier", account).when().get("/api/v1/connectors/x")
                .then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void refusesAnUnknownKeyWithoutEchoingIt() {
        String account = Keys.newAccount();
        String token = "pat." + account + ".view.wrongsecretvalue";
        Keys.as(token).queryParam("accountIdentifier", account).when().get("/api/v1/connectors")
                .then().statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"))
                .body("detail", allOf(containsString("not known"), not(containsString("wrongsecretvalue"))));
    }

    @Test
    void refusesARevokedKey() {
        String account = Keys.newAccount();
        Keys.as(Keys.token(account, "view", "revoked")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors")
                .then().statusCode(401).body("detail", containsString("revoked"));
    }

    @Test
    void letsAViewKeyReadButNotWrite() {
        String account = Keys.newAccount();
        String viewer = Keys.token(account, "view");
        Keys.as(viewer).queryParam("accountIdentifier", account).when().get("/api/v1/connectors")
                .then().statusCode(200);
        Keys.as(viewer).body(Bodies.gitHub("repo")).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(403)
                .body("code", equalTo("MISSING_PERMISSION"))
                .body("detail", containsString("core_connector_edit"));
        Keys.asAdmin(account).queryParam("accountIdentifier", account).when().get("/api/v1/connectors/repo")
                .then().statusCode(404);
    }

    @Test
    void needsTheDeletePermissionToDelete() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(Bodies.gitHub("repo")).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors").then().statusCode(201);
        Keys.as(Keys.token(account, "view", "edit")).queryParam("accountIdentifier", account)
                .when().delete("/api/v1/connectors/repo")
                .then().statusCode(403).body("detail", containsString("core_connector_delete"));
        Keys.asAdmin(account).queryParam("accountIdentifier", account).when().get("/api/v1/connectors/repo")
                .then().statusCode(200);
    }

    @Test
    void refusesAnotherAccountsKeyAlikeForConnectorsThatExistAndThatDoNot() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(Bodies.gitHub("repo")).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors").then().statusCode(201);
        String stranger = Keys.token(Keys.newAccount(), "view", "edit", "delete");
        for (String identifier : new String[] {"repo", "missing"}) {
            Keys.as(stranger).queryParam("accountIdentifier", account).when().get("/api/v1/connectors/" + identifier)
                    .then().statusCode(403).body("code", equalTo("WRONG_ACCOUNT"));
        }
        Keys.as(stranger).body(Bodies.secureConnect(true, null)).queryParam("accountIdentifier", account)
                .when().put("/api/v1/connectors/repo/secure-connect")
                .then().statusCode(403);
    }

    @Test
    void keepsAnOrgScopedKeyInsideItsOrg() {
        String account = Keys.newAccount();
        String orgKey = Keys.token(account, "view", "edit", "org_default");
        Keys.as(orgKey).body(Bodies.gitHub("repo")).queryParam("accountIdentifier", account)
                .queryParam("orgIdentifier", "default").when().post("/api/v1/connectors")
                .then().statusCode(201);
        Keys.as(orgKey).body(Bodies.gitHub("repo")).queryParam("accountIdentifier", account)
                .queryParam("orgIdentifier", "other").when().post("/api/v1/connectors")
                .then().statusCode(403).body("code", equalTo("SCOPE_TOO_NARROW"));
        Keys.as(orgKey).queryParam("accountIdentifier", account).when().get("/api/v1/connectors")
                .then().statusCode(403).body("code", equalTo("SCOPE_TOO_NARROW"));
    }

    @Test
    void passesOnKeyValidatorsRateLimitAs429WithRetryAfter() {
        String account = Keys.newAccount();
        Keys.as("pat." + account + ".ratelimited.x").queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors")
                .then().statusCode(429)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("17"))
                .body("code", equalTo("RATE_LIMITED"));
    }

    @Test
    void passesOnKeyValidatorsPerKeyThrottleAs429KeyThrottled() {
        String account = Keys.newAccount();
        Keys.as("pat." + account + ".throttled.x").queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors")
                .then().statusCode(429)
                .header("Retry-After", equalTo("42"))
                .body("code", equalTo("KEY_THROTTLED"));
    }

    @Test
    void refusesABearerTokenThatNoConfiguredProviderIssued() {
        // OIDC is common's (CurrentCaller); here only that such a token opens nothing.
        given().contentType(ContentType.JSON).header("Authorization", "Bearer abc.def.ghi")
                .queryParam("accountIdentifier", Keys.newAccount()).when().get("/api/v1/connectors")
                .then().statusCode(401);
    }
}
