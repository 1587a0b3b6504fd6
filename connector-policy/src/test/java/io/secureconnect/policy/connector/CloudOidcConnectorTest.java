package io.secureconnect.policy.connector;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** spec.oidc of Aws and Gcp connectors: stored and read back exactly as written; each bad field is named in a 400. */
@QuarkusTest
class CloudOidcConnectorTest {

    static final Map<String, Object> AWS_OIDC = Map.of("roleArn", "arn:aws:iam::123456789012:role/ci/payments-deploy",
            "region", "eu-west-1");
    static final Map<String, Object> GCP_OIDC = Map.of("workloadPoolId", "secure-connect",
            "providerId", "harness-builds", "serviceAccountEmail", "ci-builds@payments-prod.iam.gserviceaccount.com",
            "projectNumber", "123456789012");

    static Map<String, Object> aws(String identifier, Map<String, Object> oidc) {
        return Bodies.connector(identifier, "Aws", spec("region", "eu-west-1", oidc));
    }

    static Map<String, Object> gcp(String identifier, Map<String, Object> oidc) {
        return Bodies.connector(identifier, "Gcp", spec("project", "payments-prod", oidc));
    }

    private static Map<String, Object> spec(String key, String value, Map<String, Object> oidc) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put(key, value);
        spec.put("oidc", oidc);
        return spec;
    }

    private static Map<String, Object> change(Map<String, Object> oidc, String field, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(oidc);
        if (value == null) {
            changed.remove(field);
        } else {
            changed.put(field, value);
        }
        return changed;
    }

    @Test
    void storesAnAwsRoleAndRegionAndReadsThemBackExactly() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(aws("aws", AWS_OIDC)).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(201)
                .body("spec.oidc", equalTo(AWS_OIDC))
                .body("spec.oidc.workloadPoolId", nullValue());

        Map<String, Object> read = Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors/aws")
                .then().statusCode(200).extract().jsonPath().getMap("spec");
        assertEquals(Map.of("region", "eu-west-1", "oidc", AWS_OIDC), read);
    }

    @Test
    void storesAGcpWorkloadIdentityProviderAndReadsItBackExactly() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(gcp("gcp", GCP_OIDC)).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors").then().statusCode(201);

        Map<String, Object> read = Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors/gcp")
                .then().statusCode(200).extract().jsonPath().getMap("spec");
        assertEquals(Map.of("project", "payments-prod", "oidc", GCP_OIDC), read);
    }

    @Test
    void removesTheOidcSettingOnAReplaceWithoutIt() {
        String account = Keys.newAccount();
        String etag = Keys.asAdmin(account).body(aws("aws", AWS_OIDC)).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors").then().statusCode(201).extract().header("ETag");

        Keys.asAdmin(account).body(Bodies.connector("aws", "Aws", Map.of("region", "eu-west-1")))
                .queryParam("accountIdentifier", account).header("If-Match", etag)
                .when().put("/api/v1/connectors/aws")
                .then().statusCode(200)
                .body("spec", not(org.hamcrest.Matchers.hasKey("oidc")));
    }

    static Stream<Arguments> badOidc() {
        return Stream.of(
                Arguments.of("a role ARN without an account number", aws("c1", change(AWS_OIDC, "roleArn",
                        "arn:aws:iam:::role/ci")), "spec.oidc.roleArn", "must be an IAM role ARN"),
                Arguments.of("a user ARN instead of a role", aws("c1", change(AWS_OIDC, "roleArn",
                        "arn:aws:iam::123456789012:user/ci")), "spec.oidc.roleArn", "must be an IAM role ARN"),
                Arguments.of("an account number of 11 digits", aws("c1", change(AWS_OIDC, "roleArn",
                        "arn:aws:iam::12345678901:role/ci")), "spec.oidc.roleArn", "must be an IAM role ARN"),
                Arguments.of("a missing role ARN", aws("c1", change(AWS_OIDC, "roleArn", null)),
                        "spec.oidc.roleArn", "must be an IAM role ARN"),
                Arguments.of("an OIDC region that is not one", aws("c1", change(AWS_OIDC, "region", "moon-1")),
                        "spec.oidc.region", "must be an AWS region"),
                Arguments.of("a GCP field on an Aws connector", aws("c1", change(AWS_OIDC, "providerId", "prov")),
                        "spec.oidc.providerId", "is not used by Aws connectors"),
                Arguments.of("a pool id with capitals", gcp("c1", change(GCP_OIDC, "workloadPoolId", "Secure")),
                        "spec.oidc.workloadPoolId", "must be 4 to 32 lower-case letters"),
                Arguments.of("a pool id with the reserved gcp- prefix", gcp("c1", change(GCP_OIDC, "workloadPoolId",
                        "gcp-pool")), "spec.oidc.workloadPoolId", "not starting with 'gcp-'"),
                Arguments.of("a provider id of 3 characters", gcp("c1", change(GCP_OIDC, "providerId", "abc")),
                        "spec.oidc.providerId", "must be 4 to 32"),
                Arguments.of("a service account that is not one", gcp("c1", change(GCP_OIDC, "serviceAccountEmail",
                        "ci@example.com")), "spec.oidc.serviceAccountEmail", "must be a service account email"),
                Arguments.of("a project id where the number goes", gcp("c1", change(GCP_OIDC, "projectNumber",
                        "payments-prod")), "spec.oidc.projectNumber", "must be a GCP project number"),
                Arguments.of("a missing project number", gcp("c1", change(GCP_OIDC, "projectNumber", null)),
                        "spec.oidc.projectNumber", "must be a GCP project number"),
                Arguments.of("an AWS field on a Gcp connector", gcp("c1", change(GCP_OIDC, "roleArn",
                        "arn:aws:iam::123456789012:role/ci")), "spec.oidc.roleArn", "is not used by Gcp connectors"),
                Arguments.of("OIDC on a GitHub connector", Bodies.connector("c1", "GitHub",
                        spec("url", "https://github.com/o/r", AWS_OIDC)), "spec.oidc", "for Aws and Gcp connectors"));
    }

    @ParameterizedTest(name = "refuses {0}")
    @MethodSource("badOidc")
    void refusesABadOidcFieldNamingItAndStoresNothing(String what, Map<String, Object> body, String field,
            String message) {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(body).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("INVALID_FIELD"))
                .body("errors.field", hasItem(field))
                .body("detail", containsString(message));
        Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors")
                .then().statusCode(200).body("totalItems", equalTo(0));
    }

    @Test
    void refusesAnUnknownOidcFieldNamingItsPath() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(aws("c1", change(AWS_OIDC, "externalId", "x"))).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .body("code", equalTo("UNKNOWN_FIELD"))
                .body("detail", containsString("'spec.oidc.externalId'"));
    }
}
