package io.secureconnect.keyvalidator.apikey;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class ApiKeyResourceTest {

    @Inject
    Fixtures fixtures;

    String account;
    String admin;

    @BeforeEach
    void newAccount() {
        account = Fixtures.unique("acct");
        admin = fixtures.admin(account);
    }

    RequestSpecification as(String token) {
        return given().header("x-api-key", token).contentType(ContentType.JSON).queryParam("accountIdentifier", account);
    }

    static Map<String, Object> key(String identifier) {
        return Map.of("identifier", identifier, "name", "CI agent", "description", "agent in the DMZ",
                "tags", Map.of("env", "prod"), "apiKeyType", "SERVICE_ACCOUNT", "parentIdentifier", "ci_agent");
    }

    @Test
    void createsReadsListsUpdatesAndDeletesAKey() {
        as(admin).body(key("agent_key")).post("/api/v1/apikeys").then().statusCode(201)
                .body("identifier", equalTo("agent_key")).body("accountIdentifier", equalTo(account))
                .body("orgIdentifier", nullValue()).body("apiKeyType", equalTo("SERVICE_ACCOUNT"))
                .body("tags.env", equalTo("prod")).body("defaultTimeToExpireToken", equalTo(2_592_000_000L));

        as(admin).get("/api/v1/apikeys/agent_key").then().statusCode(200).body("name", equalTo("CI agent"));

        as(admin).body(Map.of("name", "CI agent 2", "defaultTimeToExpireToken", 3_600_000))
                .put("/api/v1/apikeys/agent_key").then().statusCode(200)
                .body("name", equalTo("CI agent 2")).body("defaultTimeToExpireToken", equalTo(3_600_000))
                .body("parentIdentifier", equalTo("ci_agent"));

        as(admin).delete("/api/v1/apikeys/agent_key").then().statusCode(204);
        as(admin).get("/api/v1/apikeys/agent_key").then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("ENTITY_NOT_FOUND"));
    }

    @Test
    void listsKeysPageByPage() {
        for (String identifier : new String[] {"a_key", "b_key", "c_key"}) {
            as(admin).body(key(identifier)).post("/api/v1/apikeys").then().statusCode(201);
        }
        // the admin's own key is listed too: four keys in the account
        as(admin).queryParam("page", 1).queryParam("limit", 2).get("/api/v1/apikeys").then().statusCode(200)
                .body("page", equalTo(1)).body("limit", equalTo(2)).body("totalItems", equalTo(4))
                .body("content", hasSize(2)).body("content[0].identifier", equalTo("c_key"));
        as(admin).queryParam("limit", 2).get("/api/v1/apikeys").then()
                .body("content.identifier", contains("a_key", "b_key"));
    }

    @Test
    void keepsKeysOfAProjectApartFromTheAccount() {
        as(admin).queryParam("orgIdentifier", "org1").queryParam("projectIdentifier", "proj1").body(key("same_name"))
                .post("/api/v1/apikeys").then().statusCode(201).body("projectIdentifier", equalTo("proj1"));
        as(admin).body(key("same_name")).post("/api/v1/apikeys").then().statusCode(201);
        as(admin).queryParam("orgIdentifier", "org1").queryParam("projectIdentifier", "proj1")
                .get("/api/v1/apikeys").then().body("totalItems", equalTo(1));
    }

    @Test
    void refusesADuplicateIdentifierWith409() {
        as(admin).body(key("dup_key")).post("/api/v1/apikeys").then().statusCode(201);
        as(admin).body(key("dup_key")).post("/api/v1/apikeys").then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("DUPLICATE_IDENTIFIER"));
    }

    @Test
    void refusesBadIdentifiersNamingTheField() {
        as(admin).body(key("9starts_with_digit")).post("/api/v1/apikeys").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("identifier"));
        Map<String, Object> badParent = new java.util.HashMap<>(key("good_key"));
        badParent.put("parentIdentifier", "has-dash");
        as(admin).body(badParent).post("/api/v1/apikeys").then().statusCode(400)
                .body("errors[0].field", equalTo("parentIdentifier"));
        as(admin).queryParam("orgIdentifier", "bad org").body(key("good_key")).post("/api/v1/apikeys").then()
                .statusCode(400).body("errors[0].field", equalTo("orgIdentifier"));
        as(admin).queryParam("projectIdentifier", "proj").body(key("good_key")).post("/api/v1/apikeys").then()
                .statusCode(400).body("errors[0].field", equalTo("orgIdentifier"));
        as(admin).get("/api/v1/apikeys").then().statusCode(200);
        given().header("x-api-key", admin).get("/api/v1/apikeys").then().statusCode(400)
                .body("errors[0].field", equalTo("accountIdentifier"));
    }

    @Test
    void refusesUnknownFieldsWrongTypesAndBadPaging() {
        Map<String, Object> extra = new java.util.HashMap<>(key("good_key"));
        extra.put("owner", "someone");
        as(admin).body(extra).post("/api/v1/apikeys").then().statusCode(400)
                .body("code", equalTo("UNKNOWN_FIELD")).body("errors[0].field", equalTo("owner"));
        Map<String, Object> wrongType = new java.util.HashMap<>(key("good_key"));
        wrongType.put("apiKeyType", "ROBOT");
        as(admin).body(wrongType).post("/api/v1/apikeys").then().statusCode(400)
                .body("errors[0].field", equalTo("apiKeyType"));
        Map<String, Object> lifetime = new java.util.HashMap<>(key("good_key"));
        lifetime.put("defaultTimeToExpireToken", -5);
        as(admin).body(lifetime).post("/api/v1/apikeys").then().statusCode(400)
                .body("errors[0].field", equalTo("defaultTimeToExpireToken"));
        as(admin).queryParam("limit", 0).get("/api/v1/apikeys").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
        as(admin).queryParam("page", "two").get("/api/v1/apikeys").then().statusCode(400)
                .body("errors[0].field", equalTo("page"));
        as(admin).get("/api/v1/apikeys/good_key").then().statusCode(404);
    }

    @Test
    void answersAnotherAccountsCallerTheSameWhetherTheObjectExistsOrNot() {
        as(admin).body(key("secret_key")).post("/api/v1/apikeys").then().statusCode(201);
        String otherAdmin = fixtures.admin(Fixtures.unique("other"));
        String existing = as(otherAdmin).get("/api/v1/apikeys/secret_key").then().statusCode(403)
                .body("code", equalTo("WRONG_ACCOUNT")).extract().asString();
        String missing = as(otherAdmin).get("/api/v1/apikeys/no_such_key").then().statusCode(403)
                .extract().asString();
        org.junit.jupiter.api.Assertions.assertEquals(existing, missing);
    }

    @Test
    void demandsAnApiKeyWithCoreApikeyManage() {
        given().queryParam("accountIdentifier", account).get("/api/v1/apikeys").then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("UNAUTHENTICATED"));
        as("pat.nope").get("/api/v1/apikeys").then().statusCode(401).body("detail", startsWith("the API key is malformed"));
        String viewer = fixtures.keyWithRole(Scope.account(account), "_pipeline_viewer");
        as(viewer).get("/api/v1/apikeys").then().statusCode(403)
                .body("code", equalTo("MISSING_PERMISSION")).body("detail", equalTo("this API key lacks core_apikey_manage"));
    }

    @Test
    void limitsAProjectKeyToItsProject() {
        String projectAdmin = fixtures.keyWithRole(new Scope(account, "org1", "proj1"), "_account_admin");
        as(projectAdmin).queryParam("orgIdentifier", "org1").queryParam("projectIdentifier", "proj1")
                .get("/api/v1/apikeys").then().statusCode(200);
        as(projectAdmin).get("/api/v1/apikeys").then().statusCode(403).body("code", equalTo("SCOPE_OUTSIDE_KEY"));
    }
}
