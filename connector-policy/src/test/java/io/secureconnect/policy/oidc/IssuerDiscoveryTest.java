package io.secureconnect.policy.oidc;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.policy.testsupport.Keys;
import io.secureconnect.policy.testsupport.PolicyTestDependencies;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Discovery and JWKS of an account's issuer: public (no credentials), the right issuer, public keys only. */
@QuarkusTest
class IssuerDiscoveryTest {

    @Test
    void answersDiscoveryWithTheAccountsIssuerWithoutCredentials() {
        String account = Keys.newAccount();
        String issuer = PolicyTestDependencies.OIDC_BASE_URL + "/oidc/account/" + account;
        given().when().get("/oidc/account/" + account + "/.well-known/openid-configuration")
                .then().statusCode(200)
                .contentType("application/json")
                .body("issuer", equalTo(issuer))
                .body("jwks_uri", equalTo(issuer + "/jwks"))
                .body("id_token_signing_alg_values_supported", equalTo(List.of("RS256")))
                .body("response_types_supported", equalTo(List.of("id_token")))
                .body("subject_types_supported", equalTo(List.of("public")))
                .body("claims_supported", hasItems("sub", "aud", "account_id", "organization_id", "project_id",
                        "connector_id", "build_id", "context", "exp", "iat", "jti"));
    }

    @Test
    void givesEveryAccountItsOwnIssuer() {
        String one = Keys.newAccount();
        String two = Keys.newAccount();
        String first = given().get("/oidc/account/" + one + "/.well-known/openid-configuration").then().statusCode(200)
                .extract().path("issuer");
        String second = given().get("/oidc/account/" + two + "/.well-known/openid-configuration").then().statusCode(200)
                .extract().path("issuer");
        assertTrue(first.endsWith("/" + one));
        assertTrue(second.endsWith("/" + two));
    }

    @Test
    void publishesOnlyPublicRsaKeysEachWithAKid() {
        List<Map<String, Object>> keys = given().when().get("/oidc/account/" + Keys.newAccount() + "/jwks")
                .then().statusCode(200)
                .contentType("application/json")
                .body("keys.kty", hasItem("RSA"))
                .extract().jsonPath().getList("keys");
        assertFalse(keys.isEmpty());
        for (Map<String, Object> key : keys) {
            assertEquals(Set.of("kty", "kid", "use", "alg", "n", "e"), key.keySet(), "no private parameter: " + key.keySet());
            assertEquals("RS256", key.get("alg"));
            assertEquals("sig", key.get("use"));
            assertFalse(((String) key.get("kid")).isEmpty());
        }
    }

    @Test
    void refusesAnAccountIdThatCannotExist() {
        given().when().get("/oidc/account/bad.account!/.well-known/openid-configuration")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("accountId"));
        given().when().get("/oidc/account/" + "a".repeat(129) + "/jwks")
                .then().statusCode(400)
                .body("errors.field", hasItem("accountId"))
                .body("detail", not(equalTo(null)));
    }
}
