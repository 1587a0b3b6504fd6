package io.secureconnect.keyvalidator.role;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.support.Eventually;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class RoleBindingResourceTest {

    @Inject
    Fixtures fixtures;

    String account;
    String admin;

    @BeforeEach
    void newAccount() {
        account = Fixtures.unique("acct");
        admin = fixtures.admin(account);
    }

    RequestSpecification api() {
        return given().header("x-api-key", admin).contentType(ContentType.JSON).queryParam("accountIdentifier", account);
    }

    static Map<String, Object> binding(String identifier, String principal, Map<String, Object> group) {
        return Map.of("identifier", identifier, "roleIdentifier", "_pipeline_viewer",
                "principal", Map.of("type", "SERVICE_ACCOUNT", "identifier", principal), "resourceGroup", group);
    }

    static final Map<String, Object> ALL = Map.of("includeAllResources", true);

    @Test
    void createsListsReadsAndDeletesBindings() {
        api().body(binding("viewers", "ci_agent", ALL)).post("/api/v1/role-bindings").then().statusCode(201)
                .body("identifier", equalTo("viewers")).body("principal.type", equalTo("SERVICE_ACCOUNT"))
                .body("resourceGroup.includeAllResources", equalTo(true));
        api().body(binding("prod_only", "ci_agent", Map.of("includeAllResources", false,
                "conditions", List.of(Map.of("attribute", "resourceType", "value", "PIPELINE"),
                        Map.of("attribute", "tag.env", "value", "prod"))))).post("/api/v1/role-bindings").then()
                .statusCode(201).body("resourceGroup.conditions", hasSize(2));
        api().queryParam("limit", 2).get("/api/v1/role-bindings").then().statusCode(200)
                .body("totalItems", equalTo(3)).body("content", hasSize(2));
        api().get("/api/v1/role-bindings/prod_only").then().statusCode(200)
                .body("resourceGroup.conditions[1].attribute", equalTo("tag.env"));
        api().delete("/api/v1/role-bindings/prod_only").then().statusCode(204);
        api().get("/api/v1/role-bindings/prod_only").then().statusCode(404).body("code", equalTo("ENTITY_NOT_FOUND"));
    }

    @Test
    void namesAResourceByItsIdentifierOrATunnelByItsPortAndNothingElse() {
        for (String value : new String[] {"payments_git", "30001"}) {
            api().body(binding("by_" + value, "ci_agent", Map.of("includeAllResources", false,
                    "conditions", List.of(Map.of("attribute", "identifier", "value", value))))).post("/api/v1/role-bindings")
                    .then().statusCode(201).body("resourceGroup.conditions[0].value", equalTo(value));
        }
        for (String value : new String[] {"not-an-identifier", "3000100001", "30001 ", "x".repeat(129)}) {
            api().body(binding("bad", "ci_agent", Map.of("includeAllResources", false,
                    "conditions", List.of(Map.of("attribute", "identifier", "value", value))))).post("/api/v1/role-bindings")
                    .then().statusCode(400).body("errors[0].field", equalTo("resourceGroup.conditions[0].value"));
        }
    }

    @Test
    void refusesDuplicatesUnknownRolesAndBadResourceGroups() {
        api().body(binding("dup", "ci_agent", ALL)).post("/api/v1/role-bindings").then().statusCode(201);
        api().body(binding("dup", "ci_agent", ALL)).post("/api/v1/role-bindings").then().statusCode(409)
                .body("code", equalTo("DUPLICATE_IDENTIFIER"));
        Map<String, Object> unknownRole = new java.util.HashMap<>(binding("r1", "ci_agent", ALL));
        unknownRole.put("roleIdentifier", "_god_mode");
        api().body(unknownRole).post("/api/v1/role-bindings").then().statusCode(400)
                .body("errors[0].field", equalTo("roleIdentifier"));
        api().body(binding("r2", "ci_agent", Map.of("includeAllResources", false))).post("/api/v1/role-bindings")
                .then().statusCode(400).body("errors[0].field", equalTo("resourceGroup.conditions"));
        api().body(binding("r3", "ci_agent", Map.of("includeAllResources", true,
                "conditions", List.of(Map.of("attribute", "resourceType", "value", "PIPELINE")))))
                .post("/api/v1/role-bindings").then().statusCode(400).body("errors[0].field", equalTo("resourceGroup.conditions"));
        api().body(binding("r4", "ci_agent", Map.of("includeAllResources", false,
                "conditions", List.of(Map.of("attribute", "colour", "value", "red"))))).post("/api/v1/role-bindings")
                .then().statusCode(400).body("errors[0].field", equalTo("resourceGroup.conditions[0].attribute"));
        api().body(binding("r5", "ci_agent", Map.of("includeAllResources", false,
                "conditions", List.of(Map.of("attribute", "resourceType", "value", "SPACESHIP"))))).post("/api/v1/role-bindings")
                .then().statusCode(400).body("errors[0].field", equalTo("resourceGroup.conditions[0].value"));
        api().body(Map.of("identifier", "r6", "roleIdentifier", "_pipeline_viewer", "principal",
                Map.of("type", "ROBOT", "identifier", "x"), "resourceGroup", ALL)).post("/api/v1/role-bindings").then()
                .statusCode(400).body("errors[0].field", equalTo("principal.type"));
        api().body(Map.of("identifier", "r7", "roleIdentifier", "_pipeline_viewer", "resourceGroup", ALL))
                .post("/api/v1/role-bindings").then().statusCode(400).body("errors[0].field", equalTo("principal"));
        api().get("/api/v1/role-bindings").then().body("totalItems", equalTo(2));
    }

    @Test
    void bindingChangesReachCachedValidationsWithin2Seconds() throws InterruptedException {
        String parent = Fixtures.unique("sa");
        String key = fixtures.key(Scope.account(account), ApiKeyType.SERVICE_ACCOUNT, parent);
        String token = fixtures.token(Scope.account(account), key, null, null);
        try (Grpc grpc = Grpc.toTestService()) {
            assertEquals(DenialReason.DENIAL_REASON_MISSING_PERMISSION, grpc.validate(token, "core_pipeline_view").getReason());
            api().body(binding("grant", parent, ALL)).post("/api/v1/role-bindings").then().statusCode(201);
            Eventually.poll(Duration.ofSeconds(2), () -> grpc.validate(token, "core_pipeline_view"),
                    ValidateTokenResponse::getValid, "the new binding taking effect");
            api().delete("/api/v1/role-bindings/grant").then().statusCode(204);
            Eventually.poll(Duration.ofSeconds(2), () -> grpc.validate(token, "core_pipeline_view"),
                    answer -> answer.getReason() == DenialReason.DENIAL_REASON_MISSING_PERMISSION,
                    "the deleted binding taking effect");
        }
    }

    @Test
    void listsTheBuiltInRolesPublicly() {
        given().get("/api/v1/roles").then().statusCode(200)
                .body("find { it.identifier == '_account_admin' }.permissions", hasSize(8))
                .body("find { it.identifier == '_pipeline_viewer' }.permissions", equalTo(List.of("core_pipeline_view")))
                .body("find { it.identifier == '_pipeline_executor' }.permissions", equalTo(List.of(
                        "core_connector_access", "core_pipeline_execute", "core_pipeline_view")))
                .body("find { it.identifier == '_connector_admin' }.permissions", equalTo(List.of(
                        "core_connector_delete", "core_connector_edit", "core_connector_view")))
                .body("identifier", hasItem("_apikey_admin"));
    }

    @Test
    void listsThePermissionCataloguePublicly() {
        given().get("/api/v1/permissions").then().statusCode(200)
                .body("identifier", hasItem("core_connector_access"))
                .body("find { it.identifier == 'core_connector_access' }.resourceType", equalTo("CONNECTOR"))
                .body("find { it.identifier == 'core_connector_access' }.description",
                        equalTo("Use a connector from a build: resolve its build network"));
    }
}
