package io.secureconnect.keyvalidator.apikey;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.keyvalidator.role.Condition;
import io.secureconnect.keyvalidator.role.PrincipalType;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * key-validator's own REST honours resource groups over API keys: a key managing one API key sees and changes only
 * that one (and its tokens), lists only it, and may not touch role bindings, which give permissions over a scope.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class ApiKeyResourceGroupTest {

    @Inject
    Fixtures fixtures;

    String account;
    String admin;
    String narrow;

    @BeforeEach
    void accountWithThreeKeysAndAKeyManagingOnlyOne() {
        account = Fixtures.unique("acct");
        admin = fixtures.admin(account);
        for (String identifier : new String[] {"mine", "theirs", "others"}) {
            as(admin).body(ApiKeyResourceTest.key(identifier)).post("/api/v1/apikeys").then().statusCode(201);
        }
        String parent = Fixtures.unique("sa");
        String key = fixtures.key(Scope.account(account), ApiKeyType.SERVICE_ACCOUNT, parent);
        fixtures.bind(Scope.account(account), PrincipalType.SERVICE_ACCOUNT, parent, "_apikey_admin", false,
                List.of(new Condition("identifier", "mine")));
        narrow = fixtures.token(Scope.account(account), key, null, null);
    }

    RequestSpecification as(String token) {
        return given().header("x-api-key", token).contentType(ContentType.JSON).queryParam("accountIdentifier", account);
    }

    @Test
    void readsChangesAndIssuesTokensForItsOneKey() {
        as(narrow).get("/api/v1/apikeys/mine").then().statusCode(200).body("identifier", equalTo("mine"));
        as(narrow).body(Map.of("name", "renamed")).put("/api/v1/apikeys/mine").then().statusCode(200);
        as(narrow).body(Map.of("identifier", "first", "name", "first token")).post("/api/v1/apikeys/mine/tokens")
                .then().statusCode(201);
        as(narrow).get("/api/v1/apikeys/mine/tokens").then().statusCode(200).body("content.identifier", contains("first"));
    }

    @Test
    void listsOnlyItsOneKey() {
        as(narrow).get("/api/v1/apikeys").then().statusCode(200)
                .body("content.identifier", contains("mine")).body("totalItems", equalTo(1));
        as(admin).get("/api/v1/apikeys").then().statusCode(200).body("totalItems", equalTo(5));
    }

    @Test
    void refusesOtherKeysAlikeWhetherTheyExistOrNotAndChangesNothing() {
        for (String other : new String[] {"theirs", "never_made"}) {
            as(narrow).get("/api/v1/apikeys/" + other).then().statusCode(403)
                    .contentType("application/problem+json").body("code", equalTo("ABAC_SCOPE_TOO_NARROW"))
                    .body("detail", containsString("API_KEY '" + other + "'"));
        }
        as(narrow).delete("/api/v1/apikeys/theirs").then().statusCode(403).body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
        as(narrow).body(Map.of("name", "hijacked")).put("/api/v1/apikeys/theirs").then().statusCode(403);
        as(narrow).body(Map.of("identifier", "stolen", "name", "stolen")).post("/api/v1/apikeys/theirs/tokens")
                .then().statusCode(403);
        as(narrow).body(ApiKeyResourceTest.key("new_key")).post("/api/v1/apikeys").then().statusCode(403);
        as(admin).get("/api/v1/apikeys/theirs").then().statusCode(200).body("name", equalTo("CI agent"));
        as(admin).get("/api/v1/apikeys/theirs/tokens").then().statusCode(200).body("totalItems", equalTo(0));
        as(admin).get("/api/v1/apikeys/new_key").then().statusCode(404);
    }

    @Test
    void mayNotManageRoleBindingsWhichGivePermissionsOverTheWholeScope() {
        Map<String, Object> binding = Map.of("identifier", "escalate", "roleIdentifier", "_account_admin",
                "principal", Map.of("type", "SERVICE_ACCOUNT", "identifier", "ci_agent"),
                "resourceGroup", Map.of("includeAllResources", true));
        as(narrow).body(binding).post("/api/v1/role-bindings").then().statusCode(403)
                .body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
        as(narrow).get("/api/v1/role-bindings").then().statusCode(403).body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
        as(admin).get("/api/v1/role-bindings/escalate").then().statusCode(404);
    }

    @Test
    void answersAnInvalidKeyIdentifierWith400WithoutAskingTheGroups() {
        as(narrow).get("/api/v1/apikeys/not-an-identifier").then().statusCode(400)
                .body("errors[0].field", equalTo("keyIdentifier"))
                .body("detail", containsString("keyIdentifier: must match"));
    }
}
