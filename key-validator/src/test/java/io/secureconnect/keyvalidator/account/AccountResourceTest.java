package io.secureconnect.keyvalidator.account;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.IssuedTokens;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Accounts made over REST by the platform operator (a key of the bootstrap account, "default" in tests, holding
 * _platform_operator), and two accounts made so kept apart.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class AccountResourceTest {

    static final String OPERATOR_ACCOUNT = "default";

    @Inject
    Fixtures fixtures;

    @Inject
    AgroalDataSource dataSource;

    String operator;

    @BeforeEach
    void operatorKey() {
        operator = fixtures.keyWithRole(Scope.account(OPERATOR_ACCOUNT), "_platform_operator");
    }

    static RequestSpecification as(String token) {
        return given().header("x-api-key", token).contentType(ContentType.JSON);
    }

    static Map<String, Object> account(String identifier) {
        return Map.of("identifier", identifier, "name", "Tenant " + identifier);
    }

    /** Creates an account; its first admin token, remembered for the log scan. */
    String create(String identifier) {
        return IssuedTokens.remember(as(operator).body(account(identifier)).post("/api/v1/accounts").then()
                .statusCode(201).extract().path("adminToken.token"));
    }

    @Test
    void theOperatorCreatesAnAccountWhoseAdminTokenIsShownOnceAndManagesIt() throws SQLException {
        String identifier = Fixtures.unique("acct");
        String token = IssuedTokens.remember(as(operator).body(account(identifier)).post("/api/v1/accounts").then()
                .statusCode(201)
                .body("account.identifier", equalTo(identifier)).body("account.name", equalTo("Tenant " + identifier))
                .body("adminKey.identifier", equalTo(AccountService.ADMIN_KEY))
                .body("adminKey.accountIdentifier", equalTo(identifier))
                .body("adminKey.apiKeyType", equalTo("SERVICE_ACCOUNT"))
                .body("adminToken.token", startsWith("sat." + identifier + "."))
                .extract().path("adminToken.token"));
        assertEquals(1, count("SELECT count(*) FROM account WHERE identifier = '" + identifier + "'"));

        as(token).queryParam("accountIdentifier", identifier).get("/api/v1/apikeys").then().statusCode(200)
                .body("totalItems", equalTo(1)).body("content[0].identifier", equalTo(AccountService.ADMIN_KEY));
        as(token).queryParam("accountIdentifier", identifier).get("/api/v1/role-bindings/" + AccountService.ADMIN_KEY)
                .then().statusCode(200).body("roleIdentifier", equalTo("_account_admin"))
                .body("resourceGroup.includeAllResources", equalTo(true));
        as(operator).get("/api/v1/accounts/" + identifier).then().statusCode(200)
                .body("identifier", equalTo(identifier));
        as(operator).queryParam("limit", 100).get("/api/v1/accounts").then().statusCode(200)
                .body("content.identifier", hasItem(identifier));
    }

    @Test
    void twoAccountsMadeSoCannotReachEachOther() {
        String a = Fixtures.unique("acct");
        String b = Fixtures.unique("acct");
        String adminA = create(a);
        String adminB = create(b);

        as(adminA).queryParam("accountIdentifier", b).get("/api/v1/apikeys").then().statusCode(403)
                .body("code", equalTo("WRONG_ACCOUNT"));
        as(adminA).queryParam("accountIdentifier", b).get("/api/v1/apikeys/" + AccountService.ADMIN_KEY).then()
                .statusCode(403).body("code", equalTo("WRONG_ACCOUNT"));
        as(adminA).queryParam("accountIdentifier", b).body(Map.of("identifier", "planted", "name", "planted",
                "apiKeyType", "SERVICE_ACCOUNT", "parentIdentifier", "planted")).post("/api/v1/apikeys").then()
                .statusCode(403).body("code", equalTo("WRONG_ACCOUNT"));
        as(adminB).queryParam("accountIdentifier", a).delete("/api/v1/apikeys/" + AccountService.ADMIN_KEY).then()
                .statusCode(403).body("code", equalTo("WRONG_ACCOUNT"));
        // Nothing changed: each account still holds exactly its own admin key.
        as(adminA).queryParam("accountIdentifier", a).get("/api/v1/apikeys").then().body("totalItems", equalTo(1));
        as(adminB).queryParam("accountIdentifier", b).get("/api/v1/apikeys").then().body("totalItems", equalTo(1));
    }

    @Test
    void aTenantCannotManageAccountsEvenWithThePlatformRoleBoundInItsOwnAccount() throws SQLException {
        String a = Fixtures.unique("acct");
        String adminA = create(a);
        as(adminA).queryParam("accountIdentifier", a).body(Map.of("identifier", "escalate",
                "roleIdentifier", "_platform_operator",
                "principal", Map.of("type", "SERVICE_ACCOUNT", "identifier", AccountService.ADMIN_KEY),
                "resourceGroup", Map.of("includeAllResources", true))).post("/api/v1/role-bindings").then()
                .statusCode(201);
        long before = count("SELECT count(*) FROM account");
        as(adminA).body(account(Fixtures.unique("acct"))).post("/api/v1/accounts").then().statusCode(403)
                .body("code", equalTo("NOT_PLATFORM_OPERATOR"));
        as(adminA).get("/api/v1/accounts").then().statusCode(403).body("code", equalTo("NOT_PLATFORM_OPERATOR"));
        as(adminA).get("/api/v1/accounts/" + a).then().statusCode(403).body("code", equalTo("NOT_PLATFORM_OPERATOR"));
        assertEquals(before, count("SELECT count(*) FROM account"));
    }

    @Test
    void theOperatorsAccountAdminWithoutThePlatformRoleIsRefused() {
        String accountAdmin = fixtures.admin(OPERATOR_ACCOUNT);
        as(accountAdmin).body(account(Fixtures.unique("acct"))).post("/api/v1/accounts").then().statusCode(403)
                .body("code", equalTo("MISSING_PERMISSION"))
                .body("detail", equalTo("this API key lacks platform_account_manage"));
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() throws SQLException {
        String existing = Fixtures.unique("acct");
        create(existing);
        String onlyKeys = Fixtures.unique("acct");
        fixtures.admin(onlyKeys);
        long before = count("SELECT count(*) FROM account");
        long keysBefore = count("SELECT count(*) FROM api_key");

        given().contentType(ContentType.JSON).body(account(Fixtures.unique("acct"))).post("/api/v1/accounts").then()
                .statusCode(401).body("code", equalTo("UNAUTHENTICATED"));
        as("sat.default.nope.nope").body(account(Fixtures.unique("acct"))).post("/api/v1/accounts").then()
                .statusCode(401);
        as(operator).post("/api/v1/accounts").then().statusCode(400).body("code", equalTo("INVALID_FIELD"))
                .body("errors[0].field", equalTo("body"));
        as(operator).body(account("1starts_with_a_digit")).post("/api/v1/accounts").then().statusCode(400)
                .body("errors[0].field", equalTo("identifier"));
        as(operator).body(account("has;semicolon")).post("/api/v1/accounts").then().statusCode(400)
                .body("errors[0].field", equalTo("identifier"));
        as(operator).body(account("a".repeat(129))).post("/api/v1/accounts").then().statusCode(400)
                .body("errors[0].field", equalTo("identifier"));
        as(operator).body(Map.of("identifier", Fixtures.unique("acct"), "name", " ")).post("/api/v1/accounts").then()
                .statusCode(400).body("errors[0].field", equalTo("name"));
        as(operator).body(Map.of("identifier", Fixtures.unique("acct"), "name", "n".repeat(129)))
                .post("/api/v1/accounts").then().statusCode(400).body("errors[0].field", equalTo("name"));
        as(operator).body(Map.of("identifier", Fixtures.unique("acct"), "name", "x", "owner", "me"))
                .post("/api/v1/accounts").then().statusCode(400).body("code", equalTo("UNKNOWN_FIELD"));
        as(operator).body(account(existing)).post("/api/v1/accounts").then().statusCode(409)
                .body("code", equalTo("DUPLICATE_IDENTIFIER"));
        as(operator).body(account(onlyKeys)).post("/api/v1/accounts").then().statusCode(409)
                .body("code", equalTo("DUPLICATE_IDENTIFIER"));
        as(operator).get("/api/v1/accounts/" + Fixtures.unique("acct")).then().statusCode(404);
        as(operator).get("/api/v1/accounts/no;such").then().statusCode(400)
                .body("errors[0].field", equalTo("accountIdentifier"));
        as(operator).queryParam("limit", 0).get("/api/v1/accounts").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));

        assertEquals(before, count("SELECT count(*) FROM account"));
        assertEquals(keysBefore, count("SELECT count(*) FROM api_key"));
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }
}
