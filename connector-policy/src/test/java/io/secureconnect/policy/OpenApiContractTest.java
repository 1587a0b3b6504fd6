package io.secureconnect.policy;

import static io.restassured.RestAssured.given;

import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.testing.OpenApiContract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the service generates at /q/openapi says the same as the published contract openapi/connector-policy.yaml. */
@QuarkusTest
class OpenApiContractTest {

    @Test
    void servesExactlyThePublishedContract() throws Exception {
        String generated = given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().asString();
        // Kept for reading when the contract and the service disagree.
        Files.writeString(Files.createDirectories(Path.of("target")).resolve("generated-openapi.json"), generated);
        OpenApiContract.assertServiceMatches("openapi/connector-policy.yaml", generated);
    }
}
