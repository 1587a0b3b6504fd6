package io.secureconnect.registry;

import static io.restassured.RestAssured.given;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.OpenApiContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the running service generates at /q/openapi says the same as openapi/tunnel-registry.yaml. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class OpenApiContractTest {

    @Test
    void servesExactlyThePublishedContract() throws IOException {
        String generated = given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().asString();
        // Kept for reading when the contract and the service disagree.
        Files.writeString(Path.of("target", "openapi-generated.json"), generated);
        OpenApiContract.assertServiceMatches("openapi/tunnel-registry.yaml", generated);
    }
}
