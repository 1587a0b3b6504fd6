package io.secureconnect.keyvalidator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.IssuedTokens;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pushes tokens through the paths most likely to leak them (errors echoing input, refused validations, unknown
 * JSON fields, rotation) and then scans the captured log of the whole test run for every token any test made.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
class NoSecretsInLogsTest {

    @Inject
    Fixtures fixtures;

    @Test
    void noTokenOrSecretAppearsInTheLogsOrInErrorAnswers() throws Exception {
        String account = Fixtures.unique("acct");
        String admin = fixtures.admin(account);
        String secret = admin.substring(admin.lastIndexOf('.') + 1);
        List<String> answers = new java.util.ArrayList<>();
        answers.add(given().header("x-api-key", admin + "x").queryParam("accountIdentifier", account)
                .get("/api/v1/apikeys").then().statusCode(401).extract().asString());
        answers.add(given().header("x-api-key", admin).contentType(ContentType.JSON).queryParam("accountIdentifier", account)
                .body(Map.of("identifier", "k1", "name", admin, "apiKeyType", "USER", "parentIdentifier", "u1", "stolen", admin))
                .post("/api/v1/apikeys").then().statusCode(400).extract().asString());
        answers.add(given().header("x-api-key", admin).contentType(ContentType.JSON).queryParam("accountIdentifier", account)
                .body(Map.of("identifier", admin, "name", "x", "apiKeyType", "USER", "parentIdentifier", "u1"))
                .post("/api/v1/apikeys").then().statusCode(400).extract().asString());
        answers.add(given().header("x-api-key", admin).contentType(ContentType.JSON).queryParam("accountIdentifier", account)
                .body("{\"identifier\": \"" + admin + "\", ").post("/api/v1/apikeys").then().statusCode(400).extract().asString());
        try (Grpc grpc = Grpc.toTestService()) {
            answers.add(grpc.validate(admin + "x").toString());
            answers.add(grpc.validate(admin.replace(secret, "A".repeat(43))).toString());
            io.grpc.StatusRuntimeException unknown = assertThrows(io.grpc.StatusRuntimeException.class,
                    () -> grpc.validate(admin, admin));
            answers.add(unknown.getMessage() + " " + unknown.getTrailers());
            assertTrue(grpc.validate(admin, "core_apikey_manage").getValid());
        }
        for (String answer : answers) {
            assertFalse(answer.contains(secret), "an answer shows the secret: " + answer.replace(secret, "<secret>"));
        }

        String log = NoSecretsInLogs.log();
        assertTrue(log.contains("token issued: account=" + account), "the log capture holds this test's lines");
        NoSecretsInLogs.assertNoneLogged(IssuedTokens.all(), log);
        assertTrue(IssuedTokens.all().contains(admin));
    }
}
