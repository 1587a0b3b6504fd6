package io.secureconnect.policy.connector;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

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

/** Bad input: each gets a specific problem+json answer naming the field, and nothing is stored or changed. */
@QuarkusTest
class ConnectorInputTest {

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("an unknown type", Bodies.withUrl("c1", "Jenkins", "https://ci.example.com"),
                        "type", "unknown connector type 'Jenkins'"),
                Arguments.of("a URL that is not a URL", Bodies.withUrl("c1", "Git", "not a url"),
                        "spec.url", "is not a URL"),
                Arguments.of("a relative URL", Bodies.withUrl("c1", "Git", "/srv/git/repo.git"),
                        "spec.url", "is not an absolute URL"),
                Arguments.of("scp-like git syntax", Bodies.withUrl("c1", "Git", "git@github.com:org/repo.git"),
                        "spec.url", "is not a URL"),
                Arguments.of("a file: URL", Bodies.withUrl("c1", "Git", "file:///etc/passwd"),
                        "spec.url", "scheme 'file' is not allowed"),
                Arguments.of("a javascript: URL", Bodies.withUrl("c1", "GitHub", "javascript:alert(1)"),
                        "spec.url", "scheme 'javascript' is not allowed"),
                Arguments.of("an ssh URL for a Docker registry", Bodies.withUrl("c1", "DockerRegistry", "ssh://registry.myorg.com"),
                        "spec.url", "scheme 'ssh' is not allowed; use one of https, http"),
                Arguments.of("a URL without a host", Bodies.withUrl("c1", "GitLab", "https:///group/repo"),
                        "spec.url", "must name a host"),
                Arguments.of("a port that does not exist", Bodies.withUrl("c1", "GitLab", "https://gitlab.myorg.com:70000/"),
                        "spec.url", "port must be from 1 to 65535"),
                Arguments.of("a missing URL", Bodies.connector("c1", "Bitbucket", Map.of()),
                        "spec.url", "is required"),
                Arguments.of("a region on a GitHub connector", Bodies.connector("c1", "GitHub",
                        Map.of("url", "https://github.com/org/repo", "region", "us-east-1")),
                        "spec.region", "is not used by GitHub connectors"),
                Arguments.of("an AWS region that is not one", Bodies.connector("c1", "Aws", Map.of("region", "mars-1")),
                        "spec.region", "must be an AWS region"),
                Arguments.of("a URL on an AWS connector", Bodies.connector("c1", "Aws",
                        Map.of("region", "us-east-1", "url", "https://evil.example.com")),
                        "spec.url", "is not used by Aws connectors"),
                Arguments.of("a GCP project id that is not one", Bodies.connector("c1", "Gcp", Map.of("project", "A")),
                        "spec.project", "must be a GCP project id"),
                Arguments.of("an identifier starting with a digit", Bodies.gitHub("1repo"),
                        "identifier", "must match"),
                Arguments.of("an identifier with a dash", Bodies.gitHub("my-repo"),
                        "identifier", "must match"),
                Arguments.of("an identifier of 129 characters", Bodies.gitHub("a".repeat(129)),
                        "identifier", "must match"),
                Arguments.of("an unknown connection mode", with(Bodies.gitHub("c1"), "connectionMode", "DELEGATE"),
                        "connectionMode", "must be PLATFORM or CUSTOMER_INFRASTRUCTURE"),
                Arguments.of("a tunnel port of 0", with(Bodies.gitHub("c1"), "secureConnect",
                        Bodies.secureConnect(true, 0)), "secureConnect.tunnelPort", "must be from 1 to 65535"),
                Arguments.of("a tunnel port above 65535", with(Bodies.gitHub("c1"), "secureConnect",
                        Bodies.secureConnect(true, 65536)), "secureConnect.tunnelPort", "must be from 1 to 65535"),
                Arguments.of("a Secure Connect setting without enabled", with(Bodies.gitHub("c1"), "secureConnect",
                        Map.of("tunnelPort", 30001)), "secureConnect.enabled", "is required"),
                Arguments.of("a name of 129 characters", with(Bodies.gitHub("c1"), "name", "n".repeat(129)),
                        "name", "must be at most 128 characters"),
                Arguments.of("a tag key with a colon", with(Bodies.gitHub("c1"), "tags", Map.of("a:b", "c")),
                        "tags.a:b", "without ':'"));
    }

    @ParameterizedTest(name = "refuses {0}")
    @MethodSource("badBodies")
    void refusesABadBodyNamingTheFieldAndStoresNothing(String what, Map<String, Object> body, String field,
            String message) {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(body).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("INVALID_FIELD"))
                .body("errors.field", hasItem(field))
                .body("detail", containsString(message));
        assertNothingStored(account);
    }

    @Test
    void refusesAPasswordInAUrlWithoutEchoingIt() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(Bodies.withUrl("c1", "Git", "https://deploy:hunter2secret@git.myorg.com/repo.git"))
                .queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .body("errors.field", hasItem("spec.url"))
                .body("detail", allOf(containsString("must not carry a password"), not(containsString("hunter2secret"))));
        assertNothingStored(account);
    }

    @Test
    void acceptsAUserNameWithoutPasswordInAnSshUrl() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(Bodies.withUrl("c1", "Git", "ssh://git@git.myorg.com:7999/pay/payments.git"))
                .queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(201)
                .body("spec.url", equalTo("ssh://git@git.myorg.com:7999/pay/payments.git"))
                .body("hosts", hasItem("git.myorg.com:7999"));
    }

    @Test
    void refusesAnUnknownJsonFieldNamingIt() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(with(Bodies.gitHub("c1"), "executeOnDelegate", true))
                .queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("UNKNOWN_FIELD"))
                .body("detail", containsString("'executeOnDelegate'"));
        assertNothingStored(account);
    }

    @Test
    void refusesAnUnknownNestedFieldNamingItsPath() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(Bodies.connector("c1", "GitHub", Map.of("url", "https://github.com/o/r", "branch", "main")))
                .queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .body("code", equalTo("UNKNOWN_FIELD"))
                .body("detail", containsString("'spec.branch'"));
        assertNothingStored(account);
    }

    @Test
    void refusesAProxyUrlInInputBecauseTheServerComputesIt() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(with(Bodies.gitHub("c1"), "proxyUrl", "http://attacker.example.com:3128"))
                .queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .body("code", equalTo("UNKNOWN_FIELD"))
                .body("detail", containsString("'proxyUrl'"));
        assertNothingStored(account);
    }

    @Test
    void refusesABodyOfOneMegabyteAsProblemJson() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(with(Bodies.gitHub("c1"), "description", "x".repeat(1024 * 1024)))
                .queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("code", equalTo("BODY_TOO_LARGE"));
        assertNothingStored(account);
    }

    @Test
    void refusesJsonThatDoesNotParse() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body("{\"identifier\": \"c1\",").queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("MALFORMED_BODY"));
        assertNothingStored(account);
    }

    @Test
    void refusesAMissingAccountIdentifier() {
        Keys.asAdmin(Keys.newAccount()).body(Bodies.gitHub("c1"))
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .body("errors.field", hasItem("accountIdentifier"));
    }

    @Test
    void refusesAProjectWithoutItsOrg() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).body(Bodies.gitHub("c1")).queryParam("accountIdentifier", account)
                .queryParam("projectIdentifier", "payments")
                .when().post("/api/v1/connectors")
                .then().statusCode(400)
                .body("errors.field", hasItem("orgIdentifier"))
                .body("detail", containsString("is required with projectIdentifier"));
        assertNothingStored(account);
    }

    @Test
    void refusesABadReplaceAndLeavesTheConnectorAsItWas() {
        String account = Keys.newAccount();
        String etag = Keys.asAdmin(account).body(Bodies.gitHub("c1")).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors").then().statusCode(201).extract().header("ETag");

        Keys.asAdmin(account).body(Bodies.withUrl("c1", "GitHub", "file:///etc/shadow"))
                .queryParam("accountIdentifier", account)
                .when().put("/api/v1/connectors/c1")
                .then().statusCode(400).body("errors.field", hasItem("spec.url"));
        Keys.asAdmin(account).body(Bodies.gitHub("c2")).queryParam("accountIdentifier", account)
                .when().put("/api/v1/connectors/c1")
                .then().statusCode(400).body("errors.field", hasItem("identifier"))
                .body("detail", containsString("cannot change"));

        Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors/c1")
                .then().statusCode(200).header("ETag", equalTo(etag))
                .body("spec.url", equalTo("https://github.myorg.com/platform/payments.git"));
    }

    @Test
    void refusesAPathIdentifierOutOfPattern() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors/not-valid")
                .then().statusCode(400).body("errors.field", hasItem("identifier"));
    }

    private static void assertNothingStored(String account) {
        Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors")
                .then().statusCode(200).body("totalItems", equalTo(0));
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        copy.put(field, value);
        return copy;
    }

}
