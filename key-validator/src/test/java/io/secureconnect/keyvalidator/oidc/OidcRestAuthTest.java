package io.secureconnect.keyvalidator.oidc;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * REST with {@code Authorization: Bearer <OIDC access token>} beside x-api-key: the token's account claim and
 * roles decide like an API key's scope and permissions; every kind of bad token is a 401 whose reason is logged,
 * never the token.
 */
@QuarkusTest
@TestProfile(OidcProfile.class)
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class OidcRestAuthTest {

    private static final String MANAGE = "core_apikey_manage";
    private static final String ABAC_ALL = "sc_abac_all";

    @Inject
    Fixtures fixtures;

    private static RequestSpecification bearer(String token, String account) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .queryParam("accountIdentifier", account);
    }

    private static Map<String, Object> key(String identifier) {
        return Map.of("identifier", identifier, "name", "made with a token", "apiKeyType", "SERVICE_ACCOUNT",
                "parentIdentifier", "automation");
    }

    @Test
    void acceptsATokenWithThePermissionRoleForItsOwnAccount() {
        String account = Fixtures.unique("acct");
        String token = TestTokens.of(account, MANAGE, ABAC_ALL).sign();
        bearer(token, account).body(key("made_by_oidc")).post("/api/v1/apikeys").then().statusCode(201)
                .body("identifier", equalTo("made_by_oidc")).body("accountIdentifier", equalTo(account));
        bearer(token, account).body(Map.of("identifier", "first", "name", "first token"))
                .post("/api/v1/apikeys/made_by_oidc/tokens").then().statusCode(201)
                .body("token", startsWith("sat." + account + "."));
        bearer(token, account).get("/api/v1/apikeys/made_by_oidc").then().statusCode(200);
    }

    @Test
    void givesATokenWithoutTheAbacAllRoleNoKeyAndAnEmptyList() {
        String account = Fixtures.unique("acct");
        bearer(TestTokens.of(account, MANAGE, ABAC_ALL).sign(), account).body(key("some_key")).post("/api/v1/apikeys")
                .then().statusCode(201);
        String token = TestTokens.of(account, MANAGE).sign();
        bearer(token, account).get("/api/v1/apikeys/some_key").then().statusCode(403)
                .body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
        bearer(token, account).body(key("another_key")).post("/api/v1/apikeys").then().statusCode(403)
                .body("code", equalTo("ABAC_SCOPE_TOO_NARROW"));
        bearer(token, account).get("/api/v1/apikeys").then().statusCode(200).body("totalItems", equalTo(0));
    }

    @Test
    void refusesATokenOfAnotherAccountWith403() {
        String account = Fixtures.unique("acct");
        String token = TestTokens.of(Fixtures.unique("other"), MANAGE).sign();
        bearer(token, account).get("/api/v1/apikeys").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("WRONG_ACCOUNT"));
    }

    @Test
    void refusesATokenWithoutThePermissionRoleWith403NamingIt() {
        String account = Fixtures.unique("acct");
        String token = TestTokens.of(account, "core_connector_view").sign();
        bearer(token, account).get("/api/v1/apikeys").then().statusCode(403)
                .body("code", equalTo("MISSING_PERMISSION")).body("detail", containsString(MANAGE));
    }

    @Test
    void refusesATokenWithoutAnAccountClaimWith403() {
        String token = TestTokens.of(null, MANAGE).sign();
        bearer(token, Fixtures.unique("acct")).get("/api/v1/apikeys").then().statusCode(403)
                .body("code", equalTo("NO_ACCOUNT_CLAIM")).body("detail", containsString("account_id"));
    }

    @Test
    void refusesAnExpiredToken() {
        assertRefused(TestTokens.of("acct_x", MANAGE).expiredMinutesAgo(10).sign(), "it has expired");
    }

    @Test
    void refusesATokenNotValidYet() {
        assertRefused(TestTokens.of("acct_x", MANAGE).validFromMinutesAhead(10).sign(), "it is not valid yet");
    }

    @Test
    void refusesATokenOfAnotherIssuer() {
        assertRefused(TestTokens.of("acct_x", MANAGE).issuer("http://127.0.0.1:1/realms/elsewhere").sign(),
                "it was issued by another issuer");
    }

    @Test
    void refusesATokenMeantForAnotherService() {
        assertRefused(TestTokens.of("acct_x", MANAGE).audience("connector-policy").sign(),
                "it is meant for another audience");
    }

    @Test
    void refusesAnUnsignedTokenWithAlgNone() {
        assertRefused(TestTokens.of("acct_x", MANAGE).unsigned(), "algorithm is not allowed");
    }

    @Test
    void refusesATokenReSignedWithAnotherKeyUnderThePublishedKeyId() {
        assertRefused(TestTokens.of("acct_x", MANAGE).signedWithAnotherKey().sign(), "its signature does not verify");
    }

    @Test
    void refusesATokenSignedWithAKeyTheProviderDoesNotPublish() {
        assertRefused(TestTokens.of("acct_x", MANAGE).signedWithAnUnknownKeyId().sign(),
                "not a JWT signed with a key the provider publishes");
    }

    @Test
    void refusesATokenWhosePayloadWasChangedAfterSigning() {
        String account = Fixtures.unique("acct");
        String tampered = TestTokens.of(Fixtures.unique("other"), MANAGE).tamperedToAccount(account);
        bearer(tampered, account).get("/api/v1/apikeys").then().statusCode(401)
                .body("detail", containsString("its signature does not verify"));
    }

    @Test
    void refusesAnAuthorizationHeaderThatIsNotBearer() {
        given().header("Authorization", "Basic dXNlcjpwYXNz").queryParam("accountIdentifier", "acct_x")
                .get("/api/v1/apikeys").then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("UNAUTHENTICATED")).body("detail", containsString("Bearer"));
    }

    @Test
    void refusesACallWithoutCredentialsNamingBothWays() {
        given().queryParam("accountIdentifier", "acct_x").get("/api/v1/apikeys").then().statusCode(401)
                .body("detail", containsString("x-api-key")).body("detail", containsString("Bearer"));
    }

    @Test
    void anApiKeyStillWorksAndWinsOverABadBearerToken() {
        String account = Fixtures.unique("acct");
        String admin = fixtures.admin(account);
        given().header("x-api-key", admin).header("Authorization", "Bearer not.a.token")
                .queryParam("accountIdentifier", account).get("/api/v1/apikeys").then().statusCode(200);
    }

    @Test
    void publicEndpointsIgnoreABadBearerToken() {
        given().header("Authorization", "Bearer not.a.token").get("/q/health/ready").then().statusCode(200);
        given().header("Authorization", "Bearer not.a.token").get("/api/v1/permissions").then().statusCode(200);
    }

    @Test
    void logsTheReasonOfARefusalButNeverTheToken() throws Exception {
        String token = TestTokens.of("acct_x", MANAGE).expiredMinutesAgo(30).sign();
        bearer(token, "acct_x").get("/api/v1/apikeys").then().statusCode(401);
        String log = NoSecretsInLogs.log();
        assertTrue(log.contains("refused an OIDC bearer token on GET /api/v1/apikeys: it has expired"),
                "the refusal and its reason are logged");
        assertTrue(!log.contains(token.substring(token.lastIndexOf('.') + 1)), "the token's signature is not logged");
        assertTrue(!log.contains(token.substring(0, token.indexOf('.', token.indexOf('.') + 1))),
                "the token's header and claims are not logged");
    }

    private static void assertRefused(String token, String reason) {
        bearer(token, "acct_x").get("/api/v1/apikeys").then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("UNAUTHENTICATED"))
                .body("detail", containsString(reason));
    }
}
