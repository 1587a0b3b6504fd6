package io.secureconnect.policy.connector;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import io.secureconnect.policy.testsupport.Tunnels;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one-click switch, the types and modes it is refused on, and the server-computed proxy URL. */
@QuarkusTest
class SecureConnectSwitchTest {

    @Test
    void enablesInOneCallAndShowsTheGatewayProxyOnceTheTunnelIsConnected() throws Exception {
        String account = Keys.newAccount();
        String etag = create(account, Bodies.withUrl("bitbucket", "Bitbucket", "https://bitbucket.myorg.com/scm/a/b.git"))
                .header("ETag");

        String enabledEtag = switchTo(account, "bitbucket", Bodies.secureConnect(true, null))
                .then().statusCode(200)
                .body("secureConnect.enabled", equalTo(true))
                .body("proxyUrl", nullValue())
                .header("ETag", not(equalTo(etag)))
                .extract().header("ETag");

        try (Tunnels tunnels = new Tunnels()) {
            tunnels.connect(account, 30007, "gw-a.sc.example.net");
            read(account, "bitbucket").then().statusCode(200)
                    .header("ETag", equalTo(enabledEtag))
                    .body("proxyUrl", equalTo("http://gw-a.sc.example.net:30007"));

            tunnels.disconnect(account, 30007);
            read(account, "bitbucket").then().statusCode(200).body("proxyUrl", nullValue());
        }
    }

    @Test
    void usesTheChosenTunnelPortForTheProxyUrl() throws Exception {
        String account = Keys.newAccount();
        create(account, Bodies.withUrl("registry", "DockerRegistry", "https://registry.myorg.com"));
        try (Tunnels tunnels = new Tunnels()) {
            tunnels.connect(account, 30001, "gw-a.sc.example.net");
            tunnels.connect(account, 30042, "gw-b.sc.example.net");

            switchTo(account, "registry", Bodies.secureConnect(true, 30042))
                    .then().statusCode(200)
                    .body("secureConnect.tunnelPort", equalTo(30042))
                    .body("proxyUrl", allOf(equalTo("http://gw-b.sc.example.net:30042"), not(containsString("@"))));

            switchTo(account, "registry", Bodies.secureConnect(true, null))
                    .then().statusCode(200)
                    .body("proxyUrl", equalTo("http://gw-a.sc.example.net:30001"));

            switchTo(account, "registry", Bodies.secureConnect(false, null))
                    .then().statusCode(200)
                    .body("secureConnect.enabled", equalTo(false))
                    .body("proxyUrl", nullValue());
        }
    }

    @ParameterizedTest(name = "refuses to enable Secure Connect on a {0} connector, listing the compatible types")
    @ValueSource(strings = {"Jira", "Vault", "K8sCluster"})
    void refusesToEnableOnAnIncompatibleTypeListingTheCompatibleOnes(String type) {
        String account = Keys.newAccount();
        String etag = create(account, Bodies.withUrl("other", type, "https://server.myorg.com")).header("ETag");

        switchTo(account, "other", Bodies.secureConnect(true, null))
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("SECURE_CONNECT_INCOMPATIBLE"))
                .body("detail", listsTheCompatibleTypes());

        read(account, "other").then().statusCode(200).header("ETag", equalTo(etag))
                .body("secureConnect.enabled", equalTo(false));
    }

    @Test
    void refusesToCreateAnIncompatibleConnectorWithSecureConnectOnAndStoresNothing() {
        String account = Keys.newAccount();
        Map<String, Object> body = new LinkedHashMap<>(Bodies.withUrl("vault", "Vault", "https://vault.myorg.com"));
        body.put("secureConnect", Bodies.secureConnect(true, null));
        Keys.asAdmin(account).body(body).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(422)
                .body("code", equalTo("SECURE_CONNECT_INCOMPATIBLE"))
                .body("detail", listsTheCompatibleTypes());
        read(account, "vault").then().statusCode(404);
    }

    @Test
    void refusesToEnableOnAConnectorThatRunsOnTheCustomersInfrastructure() {
        String account = Keys.newAccount();
        Map<String, Object> body = new LinkedHashMap<>(Bodies.gitHub("onprem"));
        body.put("connectionMode", "CUSTOMER_INFRASTRUCTURE");
        String etag = create(account, body).header("ETag");

        switchTo(account, "onprem", Bodies.secureConnect(true, null))
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("SECURE_CONNECT_REQUIRES_PLATFORM"))
                .body("detail", containsString("CUSTOMER_INFRASTRUCTURE"));
        read(account, "onprem").then().statusCode(200).header("ETag", equalTo(etag))
                .body("secureConnect.enabled", equalTo(false));

        body.put("secureConnect", Bodies.secureConnect(true, null));
        Keys.asAdmin(account).body(body).queryParam("accountIdentifier", account)
                .when().put("/api/v1/connectors/onprem")
                .then().statusCode(422).body("code", equalTo("SECURE_CONNECT_REQUIRES_PLATFORM"));
        read(account, "onprem").then().statusCode(200).header("ETag", equalTo(etag));
    }

    @Test
    void refusesToMoveAConnectorWithSecureConnectOnToTheCustomersInfrastructure() {
        String account = Keys.newAccount();
        Map<String, Object> body = new LinkedHashMap<>(Bodies.gitHub("gh"));
        body.put("secureConnect", Bodies.secureConnect(true, null));
        create(account, body);

        body.put("connectionMode", "CUSTOMER_INFRASTRUCTURE");
        Keys.asAdmin(account).body(body).queryParam("accountIdentifier", account)
                .when().put("/api/v1/connectors/gh")
                .then().statusCode(422).body("code", equalTo("SECURE_CONNECT_REQUIRES_PLATFORM"));
        read(account, "gh").then().statusCode(200).body("connectionMode", equalTo("PLATFORM"));
    }

    @Test
    void refusesASwitchWithoutEnabledOrWithAPortOutsideTheProtocol() {
        String account = Keys.newAccount();
        create(account, Bodies.gitHub("gh"));
        switchTo(account, "gh", Map.of("tunnelPort", 30001))
                .then().statusCode(400).body("errors.field", hasItem("enabled"));
        switchTo(account, "gh", Bodies.secureConnect(true, 65536))
                .then().statusCode(400).body("errors.field", hasItem("tunnelPort"))
                .body("detail", containsString("from 1 to 65535"));
        switchTo(account, "gh", Map.of("enabled", true, "proxyUrl", "http://x:1"))
                .then().statusCode(400).body("code", equalTo("UNKNOWN_FIELD"));
        read(account, "gh").then().statusCode(200).body("secureConnect.enabled", equalTo(false));
    }

    @Test
    void storesAnyPortOfTheProtocolBecauseTheRegistrysPoolIsJudgedWhenABuildResolves() {
        String account = Keys.newAccount();
        create(account, Bodies.gitHub("gh"));
        switchTo(account, "gh", Bodies.secureConnect(true, 31005)).then().statusCode(200);
        read(account, "gh").then().statusCode(200).body("secureConnect.tunnelPort", equalTo(31005));
        switchTo(account, "gh", Bodies.secureConnect(true, 1)).then().statusCode(200);
        switchTo(account, "gh", Bodies.secureConnect(true, 65535)).then().statusCode(200);
        read(account, "gh").then().statusCode(200).body("secureConnect.tunnelPort", equalTo(65535));
    }

    @Test
    void answersNotFoundWhenSwitchingAConnectorThatDoesNotExist() {
        String account = Keys.newAccount();
        switchTo(account, "nothing_here", Bodies.secureConnect(true, null))
                .then().statusCode(404).body("code", equalTo("ENTITY_NOT_FOUND"));
    }

    private static Matcher<String> listsTheCompatibleTypes() {
        return allOf(containsString("GitHub"), containsString("GitLab"), containsString("Bitbucket"),
                containsString("Git,"), containsString("DockerRegistry"), containsString("Gcp"), containsString("Aws"));
    }

    static Response create(String account, Map<String, Object> body) {
        Response response = Keys.asAdmin(account).body(body).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors");
        response.then().statusCode(201);
        return response;
    }

    static Response read(String account, String identifier) {
        return Keys.asAdmin(account).queryParam("accountIdentifier", account)
                .when().get("/api/v1/connectors/" + identifier);
    }

    static Response switchTo(String account, String identifier, Map<String, Object> setting) {
        return Keys.asAdmin(account).body(setting).queryParam("accountIdentifier", account)
                .when().put("/api/v1/connectors/" + identifier + "/secure-connect");
    }
}
