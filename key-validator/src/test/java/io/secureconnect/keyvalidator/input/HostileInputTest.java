package io.secureconnect.keyvalidator.input;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input of issue #17: a 400 naming the field, never a 500, and nothing written. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class HostileInputTest {

    @Inject
    Fixtures fixtures;

    @Inject
    DataSource db;

    String account;
    String admin;

    @BeforeEach
    void newAccount() {
        account = Fixtures.unique("acct");
        admin = fixtures.admin(account);
    }

    RequestSpecification asAdmin() {
        return given().header("x-api-key", admin).contentType(ContentType.JSON).queryParam("accountIdentifier", account);
    }

    @ParameterizedTest(name = "refuses a NUL in the API key's {0} with a 400 naming it")
    @ValueSource(strings = {"identifier", "name", "description", "parentIdentifier"})
    void refusesANulInABodyField(String field) {
        long before = keys();
        Map<String, Object> key = new HashMap<>(Map.of("identifier", "k1", "name", "CI", "description", "d",
                "apiKeyType", "SERVICE_ACCOUNT", "parentIdentifier", "ci_agent"));
        key.put(field, "a\u0000b");
        asAdmin().body(key).post("/api/v1/apikeys").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("INVALID_FIELD"))
                .body("errors[0].field", equalTo(field));
        assertEquals(before, keys(), "nothing written");
    }

    @Test
    void refusesANulInATagWithA400() {
        long before = keys();
        asAdmin().body(Map.of("identifier", "k1", "name", "CI", "tags", Map.of("env", "p\u0000rod"),
                "apiKeyType", "SERVICE_ACCOUNT", "parentIdentifier", "ci_agent"))
                .post("/api/v1/apikeys").then().statusCode(400).body("errors[0].field", equalTo("tags.env"));
        assertEquals(before, keys());
    }

    @ParameterizedTest(name = "{0} {1}: 400 naming {2}")
    @CsvSource({
        "GET, /api/v1/apikeys/a%00b, keyIdentifier",
        "DELETE, /api/v1/apikeys/a%00b, keyIdentifier",
        "GET, /api/v1/apikeys/a%01b/tokens, keyIdentifier",
        "GET, /api/v1/role-bindings/x%00, bindingIdentifier",
        "DELETE, /api/v1/role-bindings/x%00, bindingIdentifier"
    })
    void refusesAControlCharacterInAPathIdentifier(String method, String path, String field) {
        long before = keys();
        asAdmin().urlEncodingEnabled(false).request(method, path).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo(field))
                .body("detail", containsString("must match"));
        assertEquals(before, keys());
    }

    @Test
    void refusesANulInATokenPathIdentifier() {
        asAdmin().body(Map.of("identifier", "k1", "name", "CI", "apiKeyType", "SERVICE_ACCOUNT",
                "parentIdentifier", "ci_agent")).post("/api/v1/apikeys").then().statusCode(201);
        asAdmin().urlEncodingEnabled(false).get("/api/v1/apikeys/k1/tokens/t%00").then().statusCode(400)
                .body("errors[0].field", equalTo("tokenIdentifier"));
    }

    @Test
    void refusesANulInTheAccountQueryParameter() {
        given().header("x-api-key", admin).urlEncodingEnabled(false)
                .get("/api/v1/apikeys?accountIdentifier=" + account + "%00").then().statusCode(400)
                .body("errors[0].field", equalTo("accountIdentifier"));
    }

    @ParameterizedTest(name = "page={0} limit={1}: 400 naming {2}")
    @CsvSource({
        "1000000000, 20, page", "-1, 20, page", "abc, 20, page", "99999999999999999999, 20, page",
        "0, 1000000, limit", "0, -5, limit", "0, x, limit"
    })
    void refusesAPageOrLimitOutOfRange(String page, String limit, String field) {
        asAdmin().queryParam("page", page).queryParam("limit", limit).get("/api/v1/apikeys").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo(field));
    }

    @Test
    void answersTheLastAllowedPageEmpty() {
        asAdmin().queryParam("page", 21474836).queryParam("limit", 100).get("/api/v1/apikeys").then().statusCode(200)
                .body("content.size()", equalTo(0));
    }

    @Test
    void refusesAnUnauthenticatedNineMegabyteAclBodyBeforeReadingIt() {
        String huge = "{\"permissions\":[" + "{\"permission\":\"core_pipeline_view\"},".repeat(250_000) + "{}]}";
        assertTrue(huge.length() > 9_000_000);
        long before = keys();
        given().contentType(ContentType.JSON).body(huge).post("/gateway/authz/api/acl").then().statusCode(413)
                .contentType("application/problem+json")
                .body("code", equalTo("BODY_TOO_LARGE"));
        assertEquals(before, keys());
    }

    private long keys() {
        try (var c = db.getConnection(); var s = c.prepareStatement("select count(*) from api_key"); var rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
