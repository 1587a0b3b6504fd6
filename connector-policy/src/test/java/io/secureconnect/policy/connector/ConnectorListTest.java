package io.secureconnect.policy.connector;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Paging (sorted by identifier) and the filters: type, Secure Connect on/off, tags; bad parameters answer 400. */
@QuarkusTest
class ConnectorListTest {

    private String account;

    @BeforeEach
    void sixConnectorsInOneScopeAndOneInAProject() {
        account = Keys.newAccount();
        create("a_github", Bodies.gitHub("a_github"), Map.of("team", "web", "env", "prod"), true);
        create("b_gitlab", Bodies.withUrl("b_gitlab", "GitLab", "https://gitlab.myorg.com/g/r.git"), Map.of("team", "web"), false);
        create("c_docker", Bodies.withUrl("c_docker", "DockerRegistry", "https://registry.myorg.com"), Map.of("env", "prod"), true);
        create("d_aws", Bodies.connector("d_aws", "Aws", Map.of("region", "us-east-1")), Map.of(), false);
        create("e_jira", Bodies.withUrl("e_jira", "Jira", "https://jira.myorg.com"), Map.of("team", "ops"), false);
        create("f_github", Bodies.gitHub("f_github"), Map.of("team", "ops", "env", "dev"), false);
        Keys.asAdmin(account).body(Bodies.gitHub("in_project")).queryParam("accountIdentifier", account)
                .queryParam("orgIdentifier", "default").queryParam("projectIdentifier", "payments")
                .when().post("/api/v1/connectors").then().statusCode(201);
    }

    @Test
    void pagesThroughTheScopeSortedByIdentifier() {
        list().queryParam("limit", 4).when().get("/api/v1/connectors")
                .then().statusCode(200)
                .body("content.identifier", equalTo(List.of("a_github", "b_gitlab", "c_docker", "d_aws")))
                .body("page", equalTo(0)).body("limit", equalTo(4))
                .body("totalItems", equalTo(6)).body("totalPages", equalTo(2));
        list().queryParam("limit", 4).queryParam("page", 1).when().get("/api/v1/connectors")
                .then().statusCode(200)
                .body("content.identifier", equalTo(List.of("e_jira", "f_github")));
        list().queryParam("limit", 4).queryParam("page", 2).when().get("/api/v1/connectors")
                .then().statusCode(200).body("content", equalTo(List.of())).body("totalItems", equalTo(6));
    }

    @Test
    void listsAProjectScopeSeparately() {
        list().queryParam("orgIdentifier", "default").queryParam("projectIdentifier", "payments")
                .when().get("/api/v1/connectors")
                .then().statusCode(200).body("content.identifier", equalTo(List.of("in_project")));
    }

    @ParameterizedTest(name = "filters {0}={1}")
    @CsvSource(delimiter = '|', value = {
            "type|GitHub|a_github,f_github",
            "secureConnect|true|a_github,c_docker",
            "secureConnect|false|b_gitlab,d_aws,e_jira,f_github",
            "tag|team|a_github,b_gitlab,e_jira,f_github",
            "tag|team:ops|e_jira,f_github",
            "tag|env:prod|a_github,c_docker"})
    void filtersByOneCriterion(String parameter, String value, String expected) {
        list().queryParam(parameter, value).when().get("/api/v1/connectors")
                .then().statusCode(200)
                .body("content.identifier", equalTo(List.of(expected.split(","))));
    }

    @Test
    void combinesFiltersAndRepeatedTags() {
        list().queryParam("tag", "team:web").queryParam("tag", "env:prod").when().get("/api/v1/connectors")
                .then().statusCode(200).body("content.identifier", equalTo(List.of("a_github")));
        list().queryParam("type", "GitHub").queryParam("secureConnect", "false").when().get("/api/v1/connectors")
                .then().statusCode(200).body("content.identifier", equalTo(List.of("f_github")));
    }

    @ParameterizedTest(name = "refuses {0}={1}")
    @CsvSource(delimiter = '|', value = {
            "page|-1", "page|abc", "limit|0", "limit|101", "limit|ten",
            "secureConnect|yes", "type|Jenkins", "tag|:value"})
    void refusesABadParameterNamingIt(String parameter, String value) {
        list().queryParam(parameter, value).when().get("/api/v1/connectors")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(parameter));
    }

    private RequestSpecification list() {
        return Keys.asAdmin(account).queryParam("accountIdentifier", account);
    }

    private void create(String identifier, Map<String, Object> body, Map<String, String> tags, boolean secureConnect) {
        Map<String, Object> full = new LinkedHashMap<>(body);
        full.put("tags", tags);
        full.put("secureConnect", Bodies.secureConnect(secureConnect, null));
        Keys.asAdmin(account).body(full).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors").then().statusCode(201);
    }
}
