package io.secureconnect.policy.auth;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The case: a key whose role binding covers a resource group naming ONE connector reads, switches,
 * replaces and deletes that connector and no other, lists only it, and learns nothing about the others (403
 * ABAC_SCOPE_TOO_NARROW alike for connectors that exist and that do not). Reads back with an admin key show nothing
 * else changed. (The in-test key-validator encodes the group as the word only_payments_git.)
 */
@QuarkusTest
class ConnectorResourceGroupTest {

    private static final String MINE = "payments_git";
    private String account;
    private String oneConnectorKey;

    @BeforeEach
    void threeConnectorsAndAKeyForOneOfThem() {
        account = Keys.newAccount();
        for (String identifier : List.of(MINE, "billing_git", "infra_git")) {
            admin().body(Bodies.gitHub(identifier)).when().post("/api/v1/connectors").then().statusCode(201);
        }
        oneConnectorKey = Keys.token(account, "view", "edit", "delete", "only_" + MINE);
    }

    private RequestSpecification admin() {
        return Keys.asAdmin(account).queryParam("accountIdentifier", account);
    }

    private RequestSpecification narrow() {
        return Keys.as(oneConnectorKey).queryParam("accountIdentifier", account);
    }

    @Test
    void readsSwitchesReplacesAndDeletesItsOneConnector() {
        narrow().when().get("/api/v1/connectors/" + MINE).then().statusCode(200).body("identifier", equalTo(MINE));
        Map<String, Object> renamed = Bodies.gitHub(MINE);
        renamed.put("name", "Payments, renamed");
        narrow().body(renamed).when().put("/api/v1/connectors/" + MINE).then().statusCode(200);
        narrow().body(Bodies.secureConnect(true, null)).when().put("/api/v1/connectors/" + MINE + "/secure-connect")
                .then().statusCode(200).body("secureConnect.enabled", equalTo(true));
        admin().when().get("/api/v1/connectors/" + MINE).then().statusCode(200)
                .body("name", equalTo("Payments, renamed")).body("secureConnect.enabled", equalTo(true));
        narrow().when().delete("/api/v1/connectors/" + MINE).then().statusCode(204);
        admin().when().get("/api/v1/connectors/" + MINE).then().statusCode(404);
    }

    @Test
    void refusesEveryOtherConnectorAlikeWhetherItExistsOrNot() {
        for (String other : List.of("billing_git", "never_created")) {
            narrow().when().get("/api/v1/connectors/" + other).then().statusCode(403)
                    .contentType("application/problem+json").body("code", equalTo("ABAC_SCOPE_TOO_NARROW"))
                    .body("detail", equalTo("this API key may not act on CONNECTOR '" + other
                            + "': its resource groups do not cover it"));
        }
    }

    @Test
    void changesNoOtherConnectorAndCreatesNone() {
        String etag = admin().when().get("/api/v1/connectors/billing_git").then().statusCode(200).extract().header("ETag");
        narrow().body(Bodies.secureConnect(true, null)).when().put("/api/v1/connectors/billing_git/secure-connect")
                .then().statusCode(403).body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
        Map<String, Object> hijacked = Bodies.gitHub("billing_git");
        hijacked.put("name", "hijacked");
        narrow().body(hijacked).when().put("/api/v1/connectors/billing_git").then().statusCode(403);
        narrow().when().delete("/api/v1/connectors/billing_git").then().statusCode(403);
        narrow().body(Bodies.gitHub("sneaked_in")).when().post("/api/v1/connectors").then().statusCode(403)
                .body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));

        admin().when().get("/api/v1/connectors/billing_git").then().statusCode(200).header("ETag", equalTo(etag))
                .body("name", equalTo("Connector billing_git")).body("secureConnect.enabled", equalTo(false));
        admin().when().get("/api/v1/connectors/sneaked_in").then().statusCode(404);
        admin().when().get("/api/v1/connectors").then().statusCode(200).body("totalItems", equalTo(3));
    }

    @Test
    void listsOnlyItsOneConnector() {
        narrow().when().get("/api/v1/connectors").then().statusCode(200)
                .body("content.identifier", equalTo(List.of(MINE))).body("totalItems", equalTo(1))
                .body("totalPages", equalTo(1));
        narrow().queryParam("secureConnect", "false").queryParam("type", "GitHub").when().get("/api/v1/connectors")
                .then().statusCode(200).body("content.identifier", equalTo(List.of(MINE)));
        Keys.as(Keys.token(account, "view", "only_nothing_here")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors").then().statusCode(200)
                .body("content", equalTo(List.of())).body("totalItems", equalTo(0));
    }

    @Test
    void mayCreateTheConnectorItsGroupNamesOnceItIsGone() {
        narrow().when().delete("/api/v1/connectors/" + MINE).then().statusCode(204);
        narrow().body(Bodies.gitHub(MINE)).when().post("/api/v1/connectors").then().statusCode(201);
    }

    @Test
    void importsOnlyItsConnectorOfAProject() {
        for (String identifier : List.of(MINE, "billing_git")) {
            admin().queryParam("orgIdentifier", "default").queryParam("projectIdentifier", "payments")
                    .body(Bodies.gitHub(identifier)).when().post("/api/v1/connectors").then().statusCode(201);
        }
        narrow().when().get("/api/v1/connectors/import/default/payments/" + MINE).then().statusCode(200)
                .body("projectIdentifier", equalTo("payments"));
        narrow().when().get("/api/v1/connectors/import/default/payments/billing_git").then().statusCode(403)
                .body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
    }

    @Test
    void stillAnswersBadIdentifiersAndMissingPermissionsAsBefore() {
        narrow().when().get("/api/v1/connectors/not-an-identifier").then().statusCode(400)
                .body("errors[0].field", equalTo("identifier"));
        Keys.as(Keys.token(account, "view", "only_" + MINE)).queryParam("accountIdentifier", account)
                .when().delete("/api/v1/connectors/" + MINE).then().statusCode(403)
                .body("code", equalTo("MISSING_PERMISSION")).body("detail", containsString("core_connector_delete"));
        admin().when().get("/api/v1/connectors/" + MINE).then().statusCode(200);
    }

    @Test
    void keepsAnOrgKeysOwnScopeRefusalForAConnectorOfAnotherOrg() {
        String orgKey = Keys.token(account, "view", "edit", "org_default", "only_" + MINE);
        Keys.as(orgKey).queryParam("accountIdentifier", account).queryParam("orgIdentifier", "other")
                .when().get("/api/v1/connectors/" + MINE).then().statusCode(403)
                .body("code", equalTo("SCOPE_TOO_NARROW"));
    }
}
