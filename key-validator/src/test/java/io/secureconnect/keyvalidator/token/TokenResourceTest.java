package io.secureconnect.keyvalidator.token;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.support.Eventually;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.IssuedTokens;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.keyvalidator.validation.LastUsedRecorder;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class TokenResourceTest {

    static final Duration TWO_SECONDS = Duration.ofSeconds(2);

    @Inject
    Fixtures fixtures;

    @Inject
    LastUsedRecorder lastUsed;

    @Inject
    AgroalDataSource dataSource;

    String account;
    String admin;
    String key;
    Grpc grpc;

    @BeforeEach
    void newAccountWithAKey() {
        account = Fixtures.unique("acct");
        admin = fixtures.admin(account);
        String parent = Fixtures.unique("agent");
        key = fixtures.key(Scope.account(account), ApiKeyType.USER, parent);
        fixtures.bind(Scope.account(account), io.secureconnect.keyvalidator.role.PrincipalType.USER, parent,
                "_pipeline_viewer", true, java.util.List.of());
        grpc = Grpc.toTestService();
    }

    @AfterEach
    void closeClient() throws InterruptedException {
        grpc.close();
    }

    RequestSpecification api() {
        return given().header("x-api-key", admin).contentType(ContentType.JSON).queryParam("accountIdentifier", account);
    }

    String create(String identifier, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("identifier", identifier, "name", "Agent token"));
        body.putAll(extra);
        return IssuedTokens.remember(api().body(body).post("/api/v1/apikeys/" + key + "/tokens").then().statusCode(201)
                .extract().path("token"));
    }

    ValidateTokenResponse validate(String token) {
        return grpc.validate(token, "core_pipeline_view");
    }

    ValidateTokenResponse refusedWithin2s(String token, DenialReason reason) {
        return Eventually.poll(TWO_SECONDS, () -> validate(token), answer -> answer.getReason() == reason,
                "ValidateToken answering " + reason);
    }

    @Test
    void returnsTheTokenOnceAndNeverItsSecretOrHashAfterwards() {
        String body = api().body(Map.of("identifier", "once", "name", "Agent token")).post("/api/v1/apikeys/" + key + "/tokens")
                .then().statusCode(201).body("token", startsWith("pat." + account + "."))
                .body("tokenInfo.identifier", equalTo("once")).body("tokenInfo.valid", equalTo(true))
                .body("tokenInfo.apiKeyType", equalTo("USER")).extract().asString();
        String token = IssuedTokens.remember(io.restassured.path.json.JsonPath.from(body).getString("token"));
        String secret = token.substring(token.lastIndexOf('.') + 1);
        String tokenId = token.split("\\.")[2];
        assertEquals(tokenId, io.restassured.path.json.JsonPath.from(body).getString("tokenInfo.tokenId"));

        String one = api().get("/api/v1/apikeys/" + key + "/tokens/once").then().statusCode(200)
                .body("token", nullValue()).body("tokenId", equalTo(tokenId)).extract().asString();
        String list = api().get("/api/v1/apikeys/" + key + "/tokens").then().statusCode(200)
                .body("totalItems", equalTo(1)).extract().asString();
        for (String read : new String[] {one, list}) {
            assertFalse(read.contains(secret), "a read shows the secret");
            assertFalse(read.contains("secretHash") || read.contains("secret_hash"), "a read shows the hash");
        }
        assertTrue(validate(token).getValid());
    }

    @Test
    void refusesExpiryInThePastAnInvertedRangeAndDuplicates() {
        Instant now = Instant.now();
        api().body(Map.of("identifier", "old", "name", "x", "validTo", now.minusSeconds(60).toString()))
                .post("/api/v1/apikeys/" + key + "/tokens").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("validTo"))
                .body("errors[0].message", equalTo("must be in the future"));
        api().body(Map.of("identifier", "inverted", "name", "x", "validFrom", now.plusSeconds(600).toString(),
                "validTo", now.plusSeconds(300).toString())).post("/api/v1/apikeys/" + key + "/tokens").then()
                .statusCode(400).body("errors[0].message", equalTo("must be after validFrom"));
        api().body(Map.of("identifier", "bad-id", "name", "x")).post("/api/v1/apikeys/" + key + "/tokens").then()
                .statusCode(400).body("errors[0].field", equalTo("identifier"));
        api().body(Map.of("identifier", "t1", "name", "x", "validTo", "tomorrow")).post("/api/v1/apikeys/" + key + "/tokens")
                .then().statusCode(400).body("errors[0].field", equalTo("validTo"));
        create("twice", Map.of());
        api().body(Map.of("identifier", "twice", "name", "x")).post("/api/v1/apikeys/" + key + "/tokens").then()
                .statusCode(409).body("code", equalTo("DUPLICATE_IDENTIFIER"));
        api().get("/api/v1/apikeys/" + key + "/tokens").then().body("totalItems", equalTo(1));
        api().body(Map.of("identifier", "t2", "name", "x")).post("/api/v1/apikeys/no_such_key/tokens").then()
                .statusCode(404).body("code", equalTo("ENTITY_NOT_FOUND"));
        api().get("/api/v1/apikeys/" + key + "/tokens/no_such_token").then().statusCode(404);
    }

    @Test
    void answersNotYetValidBeforeValidFrom() {
        String token = create("later", Map.of("validFrom", Instant.now().plusSeconds(3600).toString()));
        assertEquals(DenialReason.DENIAL_REASON_NOT_YET_VALID, validate(token).getReason());
    }

    @Test
    void revokingRefusesTheTokenWithin2SecondsEvenWhenCached() {
        String token = create("to_revoke", Map.of());
        assertTrue(validate(token).getValid());
        assertTrue(validate(token).getValid()); // now served from the cache
        api().post("/api/v1/apikeys/" + key + "/tokens/to_revoke/revoke").then().statusCode(200)
                .body("revoked", equalTo(true)).body("valid", equalTo(false)).body("revokedAt", notNullValue());
        refusedWithin2s(token, DenialReason.DENIAL_REASON_REVOKED);
        api().post("/api/v1/apikeys/" + key + "/tokens/to_revoke/revoke").then().statusCode(200);
    }

    @Test
    void rotationIssuesANewTokenAndEndsTheOldOneAtTheCutOff() {
        String old = create("rotating", Map.of());
        assertTrue(validate(old).getValid());
        Instant cutOff = Instant.now().plusMillis(1500);
        String fresh = IssuedTokens.remember(api().body(Map.of("oldTokenValidUntil", cutOff.toString()))
                .post("/api/v1/apikeys/" + key + "/tokens/rotating/rotate").then().statusCode(201)
                .body("tokenInfo.identifier", equalTo("rotating")).extract().path("token"));
        assertNotEquals(old, fresh);
        assertTrue(validate(fresh).getValid());
        assertTrue(validate(old).getValid(), "the old token works until the cut-off");
        ValidateTokenResponse ended = Eventually.poll(Duration.ofSeconds(4), () -> validate(old),
                answer -> !answer.getValid(), "the old token ending");
        assertEquals(DenialReason.DENIAL_REASON_EXPIRED, ended.getReason());
        assertTrue(Instant.now().isAfter(cutOff));
        assertTrue(validate(fresh).getValid());
        api().get("/api/v1/apikeys/" + key + "/tokens").then().body("content", hasSize(2));
        api().get("/api/v1/apikeys/" + key + "/tokens/rotating").then().body("tokenId", equalTo(fresh.split("\\.")[2]))
                .body("rotatedAt", nullValue());
    }

    @Test
    void refusesRotationWithACutOffInThePastOrOfARevokedToken() {
        create("rot_bad", Map.of());
        api().body(Map.of("oldTokenValidUntil", Instant.now().minusSeconds(5).toString()))
                .post("/api/v1/apikeys/" + key + "/tokens/rot_bad/rotate").then().statusCode(400)
                .body("errors[0].field", equalTo("oldTokenValidUntil"));
        api().body(Map.of()).post("/api/v1/apikeys/" + key + "/tokens/rot_bad/rotate").then().statusCode(400)
                .body("errors[0].field", equalTo("oldTokenValidUntil"));
        api().post("/api/v1/apikeys/" + key + "/tokens/rot_bad/revoke").then().statusCode(200);
        api().body(Map.of("oldTokenValidUntil", Instant.now().plusSeconds(60).toString()))
                .post("/api/v1/apikeys/" + key + "/tokens/rot_bad/rotate").then().statusCode(422)
                .body("code", equalTo("TOKEN_REVOKED"));
        api().get("/api/v1/apikeys/" + key + "/tokens").then().body("totalItems", equalTo(1));
    }

    @Test
    void deletingATokenOrItsKeyMakesItUnknownWithin2Seconds() {
        String token = create("doomed", Map.of());
        String other = create("doomed_too", Map.of());
        assertTrue(validate(token).getValid());
        assertTrue(validate(other).getValid());
        api().delete("/api/v1/apikeys/" + key + "/tokens/doomed").then().statusCode(204);
        refusedWithin2s(token, DenialReason.DENIAL_REASON_UNKNOWN);
        assertTrue(validate(other).getValid());
        api().delete("/api/v1/apikeys/" + key).then().statusCode(204);
        refusedWithin2s(other, DenialReason.DENIAL_REASON_UNKNOWN);
    }

    @Test
    void recordsLastUseInMemoryAndWritesItInABatchNotPerValidation() throws Exception {
        String token = create("used", Map.of());
        String tokenId = token.split("\\.")[2];
        lastUsed.flush();
        for (int i = 0; i < 5; i++) {
            assertTrue(validate(token).getValid());
        }
        assertNull(lastUsedInDatabase(tokenId), "validations wrote to the database");
        assertTrue(lastUsed.flush() >= 1);
        Timestamp written = lastUsedInDatabase(tokenId);
        assertTrue(written != null && written.toInstant().isAfter(Instant.now().minusSeconds(30)));
        api().get("/api/v1/apikeys/" + key + "/tokens/used").then().body("lastUsedAt", not(nullValue()));
    }

    private Timestamp lastUsedInDatabase(String tokenId) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT last_used_at FROM token WHERE id = ?")) {
            query.setString(1, tokenId);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getTimestamp(1);
            }
        }
    }
}
