package io.secureconnect.keyvalidator.oidc;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.testing.FreshDatabaseResource;
import org.junit.jupiter.api.Test;

/**
 * The default set-up (no OIDC provider configured, as in every other test of this module and the local run): the
 * service starts, a bearer token gets a 401 that says why, and gRPC needs no token.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
class BearerWithoutOidcTest {

    @Test
    void refusesABearerTokenWith401SayingNoProviderIsConfigured() {
        given().header("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
                .queryParam("accountIdentifier", Fixtures.unique("acct")).get("/api/v1/apikeys")
                .then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("UNAUTHENTICATED"))
                .body("detail", containsString("accepts no OIDC tokens"));
    }

    @Test
    void servesGrpcWithoutAToken() throws Exception {
        try (Grpc grpc = Grpc.toTestService()) {
            assertTrue(!grpc.validate("pat.nobody.none.secret", "core_pipeline_view").getValid());
        }
    }
}
