package io.secureconnect.registry.input;

import static io.restassured.RestAssured.given;
import static io.secureconnect.registry.TestKeyValidator.token;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.registry.Fixtures;
import io.secureconnect.registry.TestKeyValidator;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input of issue #17 on the registry's REST and frp endpoints: a specific refusal, never a 500, nothing written. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class HostileInputTest {

    /** The test profile's path secret (application.properties). */
    private static final String FRP = "/frp/test-only-frp-path-secret-0123456789abcdef/handler";
    private static final String NINE_MB = "{\"version\":\"0.1.0\",\"op\":\"Login\",\"content\":{\"metas\":{\"api_key\":\""
            + "x".repeat(9 * 1024 * 1024) + "\"}}}";

    @Inject
    DataSource db;

    @ParameterizedTest(name = "accountIdentifier \"{0}\": 400 naming it, key-validator never asked")
    @ValueSource(strings = {"a%00b", "acct-1", "1acct", "a%0Ab", "%ED%A0%80"})
    void refusesAnAccountOutsideTheOneIdentifierRule(String account) {
        int calls = TestKeyValidator.CALLS.get();
        given().header("x-api-key", token("acct_x", "admin", "manage")).urlEncodingEnabled(false)
                .get("/api/v1/tunnels?accountIdentifier=" + account).then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("accountIdentifier"));
        assertEquals(calls, TestKeyValidator.CALLS.get());
    }

    @Test
    void refusesAnAccountLongerThanTheRegistryHolds() {
        given().header("x-api-key", token("acct_x", "admin", "manage"))
                .queryParam("accountIdentifier", "a".repeat(65)).get("/api/v1/tunnels").then().statusCode(400)
                .body("errors[0].field", equalTo("accountIdentifier"));
    }

    @Test
    void rejectsAnFrpLoginWithANulInItsRunIdAndWritesNothing() {
        long before = sessions();
        given().contentType("application/json").body("""
                {"version":"0.1.0","op":"Login","content":{"version":"0.61.0","hostname":"h","os":"linux",
                "arch":"amd64","user":"","timestamp":1732580000,"privilege_key":"","run_id":"run\\u0000x",
                "pool_count":1,"metas":{"api_key":"pat.acct_x.k1.manage"},"client_address":"203.0.113.7:51234"}}""")
                .post(FRP + "?version=0.1.0&op=Login").then().statusCode(200)
                .body("reject", equalTo(true))
                .body("reject_reason", equalTo("content.run_id must not hold a NUL character"));
        assertEquals(before, sessions());
    }

    @ParameterizedTest(name = "an unauthenticated 9 MB body to {0}: 413, nothing parsed, asked or written")
    @ValueSource(strings = {FRP, "/frp/wrong-secret-0123456789abcdef0123456789/handler", "/ng/api/tunnel"})
    void refusesANineMegabyteBodyBeforeReadingIt(String path) {
        long before = sessions();
        int calls = TestKeyValidator.CALLS.get();
        given().contentType("application/json").body(NINE_MB).post(path + "?accountIdentifier=acct_x")
                .then().statusCode(413).contentType("application/problem+json")
                .body("code", equalTo("BODY_TOO_LARGE"));
        assertEquals(before, sessions());
        assertEquals(calls, TestKeyValidator.CALLS.get(), "key-validator was not asked");
    }

    private long sessions() {
        return Fixtures.number(db, "SELECT count(*) FROM frp_session")
                + Fixtures.number(db, "SELECT count(*) FROM frp_registration");
    }
}
