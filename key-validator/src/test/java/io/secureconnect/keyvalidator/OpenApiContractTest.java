package io.secureconnect.keyvalidator;

import static io.restassured.RestAssured.given;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.OpenApiContract;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
class OpenApiContractTest {

    @Test
    void servesExactlyThePublishedContract() {
        String generated = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().asString();
        OpenApiContract.assertServiceMatches("openapi/key-validator.yaml", generated);
    }
}
