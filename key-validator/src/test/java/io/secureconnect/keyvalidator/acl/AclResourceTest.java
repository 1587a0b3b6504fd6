package io.secureconnect.keyvalidator.acl;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.secureconnect.keyvalidator.role.Condition;
import io.secureconnect.keyvalidator.role.PrincipalType;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Harness-compatible ACL endpoint used by Harness's frps fork. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class AclResourceTest {

    @Inject
    Fixtures fixtures;

    String account;
    String viewer;

    @BeforeEach
    void newViewer() {
        account = Fixtures.unique("acct");
        viewer = fixtures.keyWithRole(Scope.account(account), "_pipeline_viewer");
    }

    Map<String, Object> item(String accountId, String resourceType, String identifier, String permission) {
        Map<String, Object> item = new HashMap<>();
        item.put("resourceScope", Map.of("accountIdentifier", accountId, "orgIdentifier", "", "projectIdentifier", ""));
        item.put("resourceType", resourceType);
        item.put("resourceIdentifier", identifier);
        item.put("permission", permission);
        return item;
    }

    ValidatableResponse ask(String token, List<Map<String, Object>> items) {
        return given().header("x-api-key", token).contentType(ContentType.JSON).body(Map.of("permissions", items))
                .post("/gateway/authz/api/acl").then();
    }

    @Test
    void answersPermittedPerItemAcceptingTheMisspelledPipline() {
        ask(viewer, List.of(item(account, "PIPELINE", null, "core_pipeline_view"),
                item(account, "PIPLINE", null, "core_pipeline_view"),
                item(account, "PIPELINE", null, "core_pipeline_execute"),
                item(account, "CONNECTOR", null, "core_pipeline_view"),
                item("someone_else", "PIPELINE", null, "core_pipeline_view")))
                .statusCode(200).body("status", equalTo("SUCCESS"))
                .body("data.accessControlList.permitted", contains(true, true, false, false, false))
                .body("data.accessControlList[1].resourceType", equalTo("PIPLINE"))
                .body("data.accessControlList[0].resourceScope.accountIdentifier", equalTo(account));
    }

    @Test
    void aFilteredResourceGroupPermitsOnlyTheResourcesItNames() {
        String parent = Fixtures.unique("sa");
        String key = fixtures.key(Scope.account(account), ApiKeyType.SERVICE_ACCOUNT, parent);
        fixtures.bind(Scope.account(account), PrincipalType.SERVICE_ACCOUNT, parent, "_pipeline_viewer", false,
                List.of(new Condition("resourceType", "PIPELINE"), new Condition("identifier", "build_main")));
        String narrow = fixtures.token(Scope.account(account), key, null, null);
        ask(narrow, List.of(item(account, "PIPELINE", "build_main", "core_pipeline_view"),
                item(account, "PIPELINE", "deploy_prod", "core_pipeline_view"),
                item(account, "PIPELINE", null, "core_pipeline_view")))
                .statusCode(200).body("data.accessControlList.permitted", contains(true, false, false));
    }

    @Test
    void refusesMissingOrBadKeysWith401() {
        given().contentType(ContentType.JSON).body(Map.of("permissions", List.of(item(account, "PIPELINE", null,
                "core_pipeline_view")))).post("/gateway/authz/api/acl").then().statusCode(401)
                .contentType("application/problem+json");
        String revokedLooking = viewer.substring(0, viewer.length() - 4) + "AAAA";
        ask(revokedLooking, List.of(item(account, "PIPELINE", null, "core_pipeline_view"))).statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED")).body("detail", equalTo("the API key is not known"));
    }

    @Test
    void refusesUnknownPermissionsAndIncompleteItemsNamingTheField() {
        ask(viewer, List.of(item(account, "PIPELINE", null, "core_pipeline_view"),
                item(account, "PIPELINE", null, "core_pipeline_fly"))).statusCode(400)
                .body("code", equalTo("UNKNOWN_PERMISSION")).body("errors[0].field", equalTo("permissions[1].permission"));
        Map<String, Object> noScope = item(account, "PIPELINE", null, "core_pipeline_view");
        noScope.remove("resourceScope");
        ask(viewer, List.of(noScope)).statusCode(400).body("errors[0].field", equalTo("permissions[0].resourceScope"));
        ask(viewer, List.of()).statusCode(400).body("errors[0].field", equalTo("permissions"));
        Map<String, Object> extra = item(account, "PIPELINE", null, "core_pipeline_view");
        extra.put("colour", "red");
        ask(viewer, List.of(extra)).statusCode(400).body("code", equalTo("UNKNOWN_FIELD"));
    }
}
