package io.secureconnect.policy.connector;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The calls a Terraform provider makes over a resource's life: create, read, plan without changes (the read
 * equals the desired state, field by field), update in place with If-Match, import by org/project/identifier,
 * delete, and the read after delete that tells the provider the resource is gone.
 */
@QuarkusTest
class TerraformLifecycleTest {

    private static final List<String> WRITABLE = List.of("identifier", "name", "description", "tags", "type", "spec",
            "connectionMode", "secureConnect");

    @Test
    void walksTheLifecycleOfAProjectConnectorWithoutDrift() {
        String account = Keys.newAccount();
        String path = "/api/v1/connectors/bitbucket_main";
        Map<String, Object> desired = desiredBitbucket("Bitbucket (on-prem)", Map.of("team", "platform", "env", "prod"));

        // create
        ExtractableResponse<Response> created = Keys.asAdmin(account).body(desired)
                .queryParam("accountIdentifier", account).queryParam("orgIdentifier", "default")
                .queryParam("projectIdentifier", "payments")
                .when().post("/api/v1/connectors")
                .then().statusCode(201)
                .header("Location", endsWith("/api/v1/connectors/bitbucket_main?accountIdentifier=" + account
                        + "&orgIdentifier=default&projectIdentifier=payments"))
                .body("accountIdentifier", equalTo(account))
                .body("orgIdentifier", equalTo("default"))
                .body("projectIdentifier", equalTo("payments"))
                .body("hosts", equalTo(List.of("bitbucket.myorg.com:443")))
                .extract();
        String etag = created.header("ETag");
        assertEquals(desired, writable(created.jsonPath().getMap("")));

        // read, then plan without changes: reading again still equals the desired state, version unchanged
        for (int read = 0; read < 2; read++) {
            ExtractableResponse<Response> current = readProject(account, path).then().statusCode(200)
                    .header("ETag", equalTo(etag)).extract();
            assertEquals(desired, writable(current.jsonPath().getMap("")), "plan shows changes on read " + read);
        }

        // update in place with If-Match
        Map<String, Object> changed = desiredBitbucket("Bitbucket (renamed)", Map.of("team", "platform"));
        ExtractableResponse<Response> updated = Keys.asAdmin(account).body(changed).header("If-Match", etag)
                .queryParam("accountIdentifier", account).queryParam("orgIdentifier", "default")
                .queryParam("projectIdentifier", "payments")
                .when().put(path)
                .then().statusCode(200).extract();
        String newEtag = updated.header("ETag");
        assertNotEquals(etag, newEtag);
        assertEquals(changed, writable(updated.jsonPath().getMap("")));
        assertEquals(changed, writable(readProject(account, path).then().statusCode(200)
                .header("ETag", equalTo(newEtag)).extract().jsonPath().getMap("")));

        // applying the same configuration again changes nothing, not even the version
        Keys.asAdmin(account).body(changed).header("If-Match", newEtag)
                .queryParam("accountIdentifier", account).queryParam("orgIdentifier", "default")
                .queryParam("projectIdentifier", "payments")
                .when().put(path)
                .then().statusCode(200).header("ETag", equalTo(newEtag));

        // import by <org>/<project>/<identifier>
        ExtractableResponse<Response> imported = Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors/import/default/payments/bitbucket_main")
                .then().statusCode(200).header("ETag", equalTo(newEtag)).extract();
        assertEquals(changed, writable(imported.jsonPath().getMap("")));

        // delete, then the read answers 404 ENTITY_NOT_FOUND (the provider drops the resource from state)
        Keys.asAdmin(account).header("If-Match", newEtag)
                .queryParam("accountIdentifier", account).queryParam("orgIdentifier", "default")
                .queryParam("projectIdentifier", "payments")
                .when().delete(path)
                .then().statusCode(204);
        readProject(account, path).then().statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("ENTITY_NOT_FOUND"))
                .body("detail", containsString("default/payments/bitbucket_main"));
        Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors/import/default/payments/bitbucket_main")
                .then().statusCode(404).body("code", equalTo("ENTITY_NOT_FOUND"));
    }

    @Test
    void readsAnAccountLevelConnectorBackExactlyAsWrittenWithOptionalFieldsLeftOut() {
        String account = Keys.newAccount();
        Map<String, Object> minimal = Bodies.connector("aws_prod", "Aws", Map.of("region", "eu-west-1"));
        Keys.asAdmin(account).body(minimal).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors").then().statusCode(201);

        Map<String, Object> read = Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors/aws_prod")
                .then().statusCode(200)
                .body("orgIdentifier", nullValue())
                .body("projectIdentifier", nullValue())
                .body("description", nullValue())
                .body("connectionMode", equalTo("PLATFORM"))
                .body("secureConnect.enabled", equalTo(false))
                .body("proxyUrl", nullValue())
                .body("hosts", equalTo(List.of("sts.eu-west-1.amazonaws.com:443", "api.ecr.eu-west-1.amazonaws.com:443",
                        "*.dkr.ecr.eu-west-1.amazonaws.com:443", "s3.eu-west-1.amazonaws.com:443",
                        "*.s3.eu-west-1.amazonaws.com:443")))
                .extract().jsonPath().getMap("");
        assertEquals(Map.of("region", "eu-west-1"), read.get("spec"), "spec must not grow fields that were not written");
        assertEquals(Map.of(), read.get("tags"));
    }

    @Test
    void anAccountLevelReadDoesNotFindAProjectConnectorOfTheSameIdentifier() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(Bodies.gitHub("repo")).queryParam("accountIdentifier", account)
                .queryParam("orgIdentifier", "default").queryParam("projectIdentifier", "payments")
                .when().post("/api/v1/connectors").then().statusCode(201);

        Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors/repo")
                .then().statusCode(404).body("code", equalTo("ENTITY_NOT_FOUND"))
                .body("detail", not(containsString("payments")));
    }

    private static Response readProject(String account, String path) {
        return Keys.asAdmin(account).queryParam("accountIdentifier", account).queryParam("orgIdentifier", "default")
                .queryParam("projectIdentifier", "payments").when().get(path);
    }

    private static Map<String, Object> desiredBitbucket(String name, Map<String, String> tags) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("identifier", "bitbucket_main");
        body.put("name", name);
        body.put("description", "The on-prem Bitbucket behind the firewall");
        body.put("tags", tags);
        body.put("type", "Bitbucket");
        body.put("spec", Map.of("url", "https://bitbucket.myorg.com/scm/pay/payments.git"));
        body.put("connectionMode", "PLATFORM");
        body.put("secureConnect", Map.of("enabled", true, "tunnelPort", 30001));
        return body;
    }

    /** The part of a read a Terraform configuration sets; computed fields are left out. */
    private static Map<String, Object> writable(Map<String, Object> read) {
        Map<String, Object> result = new LinkedHashMap<>();
        WRITABLE.forEach(field -> result.put(field, read.get(field)));
        return result;
    }
}
