package io.secureconnect.registry;

import static io.restassured.RestAssured.given;
import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.number;
import static io.secureconnect.registry.Fixtures.unique;
import static io.secureconnect.registry.TestKeyValidator.token;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * frp's server-plugin protocol with the exact bodies stock frps sends (frp doc/server_plugin.md and
 * pkg/plugin/server/types.go): always HTTP 200, {"reject": false, "unchange": true} or a reject with a reason.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class FrpPluginTest {

    @Inject
    DataSource db;

    /** The test profile's path secret (application.properties). */
    static final String PATH = "/frp/test-only-frp-path-secret-0123456789abcdef/handler";

    static ValidatableResponse hook(String op, String body) {
        return given().contentType("application/json").header("X-Frp-Reqid", "req-1").body(body)
                .when().post(PATH + "?version=0.1.0&op=" + op).then().statusCode(200);
    }

    @Test
    void answersNotFoundAndDoesNothingWithoutThePathSecret() {
        String runId = "run-" + UUID.randomUUID();
        for (String path : List.of("/frp/handler", "/frp/wrong-secret-0123456789abcdef0123456789/handler",
                "/frp/test-only-frp-path-secret-0123456789abcdeF/handler")) {
            given().contentType("application/json").body(login(runId, "pat.acct_x.k1.manage"))
                    .when().post(path + "?version=0.1.0&op=Login").then().statusCode(404);
        }
        assertEquals(0, Fixtures.number(db, "SELECT count(*) FROM frp_session WHERE run_id = ?", runId));
    }

    static String login(String runId, String apiKey) {
        return """
                {"version":"0.1.0","op":"Login","content":{"version":"0.61.0","hostname":"build-agent-7","os":"linux",
                "arch":"amd64","user":"","timestamp":1732580000,"privilege_key":"","run_id":"%s","pool_count":1,
                "metas":{"api_key":"%s"},"client_address":"203.0.113.7:51234"}}""".formatted(runId, apiKey);
    }

    static String newProxy(String runId, String proxyName, String remotePort) {
        return """
                {"version":"0.1.0","op":"NewProxy","content":{"user":{"user":"","metas":{"api_key":"x"},"run_id":"%s"},
                "proxy_name":"%s","proxy_type":"tcp","use_encryption":false,"use_compression":true%s}}"""
                .formatted(runId, proxyName, remotePort == null ? "" : ",\"remote_port\":" + remotePort);
    }

    static String userOp(String op, String runId, String rest) {
        return """
                {"version":"0.1.0","op":"%s","content":{"user":{"user":"","metas":{},"run_id":"%s"}%s}}"""
                .formatted(op, runId, rest);
    }

    static void allowed(ValidatableResponse response) {
        response.body("reject", equalTo(false)).body("unchange", equalTo(true)).body("reject_reason", nullValue());
    }

    static ValidatableResponse rejected(ValidatableResponse response, String reason) {
        return response.body("reject", equalTo(true)).body("reject_reason", containsString(reason));
    }

    @Test
    void logsInOpensAProxyHoldsItWithoutTtlAndReleasesOnClose() {
        String account = account();
        String runId = unique("run");
        allowed(hook("Login", login(runId, token(account, "agentkey", "view"))));
        String raw = hook("NewProxy", newProxy(runId, "secure-connect", "30060")).extract().asString();
        assertTrue(raw.contains("\"unchange\":true"), "unchange is a JSON boolean: " + raw);
        assertEquals("LIVE", state(account, 30060));
        given().header("x-api-key", token(account, "admin", "manage")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/tunnels/30060").then().statusCode(200).body("status", equalTo("CONNECTED"))
                .body("gatewayId", equalTo("frps")).body("agentHost", equalTo("build-agent-7"))
                .body("agentVersion", equalTo("frpc 0.61.0")).body("apiKeyId", equalTo("agentkey"));

        allowed(hook("Ping", userOp("Ping", runId, ",\"timestamp\":1732580030,\"privilege_key\":\"\"")));
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ? AND isfinite(expires_at)",
                account), "an frp proxy's lease is held until released: it needs no Ping");
        allowed(hook("NewWorkConn", userOp("NewWorkConn", runId, ",\"run_id\":\"" + runId + "\",\"timestamp\":1")));
        allowed(hook("NewUserConn", userOp("NewUserConn", runId,
                ",\"proxy_name\":\"secure-connect\",\"proxy_type\":\"tcp\",\"remote_addr\":\"10.1.2.3:40000\"")));

        allowed(hook("CloseProxy", userOp("CloseProxy", runId, ",\"proxy_name\":\"secure-connect\"")));
        assertEquals("RELEASED", state(account, 30060));
        rejected(hook("NewUserConn", userOp("NewUserConn", runId, ",\"proxy_name\":\"secure-connect\"")),
                "no live lease");
        allowed(hook("CloseProxy", userOp("CloseProxy", runId, ",\"proxy_name\":\"secure-connect\"")));
    }

    @Test
    void givesTheLowestFreePortToAProxyWithoutRemotePortAndSaysSo() {
        String account = account();
        String runId = unique("run");
        acquire(account, 30000, "someone-else", gateway());
        allowed(hook("Login", login(runId, token(account, "agentkey", "view"))));
        int port = hook("NewProxy", newProxy(runId, "any", null)).body("reject", equalTo(false))
                .body("unchange", equalTo(false)).body("content.proxy_name", equalTo("any"))
                .body("content.user.run_id", equalTo(runId)).extract().path("content.remote_port");
        assertTrue(port > 30000 && port <= 30099, "a free port of the pool, not the held 30000: " + port);
        assertEquals("LIVE", state(account, port));
        allowed(hook("CloseProxy", userOp("CloseProxy", runId, ",\"proxy_name\":\"any\"")));
    }

    @Test
    void reconnectingFrpcGetsItsPortBackAndAnotherKeyIsRefused() {
        String account = account();
        String first = unique("run");
        allowed(hook("Login", login(first, token(account, "agentkey", "view"))));
        allowed(hook("NewProxy", newProxy(first, "p", "30061")));
        String second = unique("run");
        allowed(hook("Login", login(second, token(account, "agentkey", "view"))));
        allowed(hook("NewProxy", newProxy(second, "p", "30061")));
        rejected(hook("NewUserConn", userOp("NewUserConn", first, ",\"proxy_name\":\"p\"")), "LEASE_LOST");
        String intruder = unique("run");
        allowed(hook("Login", login(intruder, token(account, "otherkey", "view"))));
        rejected(hook("NewProxy", newProxy(intruder, "p", "30061")), "PORT_HELD");
    }

    @Test
    void refusesLoginsWithoutAGoodKeyAndRecordsNothing() {
        String account = account();
        String runId = unique("run");
        rejected(hook("Login", login(runId, token(account, "k", "wrong"))), "API_KEY_UNKNOWN");
        rejected(hook("Login", login(runId, token(account, "k", "narrow"))), "ABAC_SCOPE_TOO_NARROW");
        rejected(hook("Login", login(runId, token(account, "k", "expired"))), "API_KEY_EXPIRED");
        rejected(hook("Login", login(runId, "")), "no API key: set metadatas.api_key");
        TestKeyValidator.AVAILABLE.set(false);
        try {
            rejected(hook("Login", login(runId, token(account, "k", "view"))), "KEY_VALIDATOR_UNAVAILABLE");
        } finally {
            TestKeyValidator.AVAILABLE.set(true);
        }
        assertEquals(0, number(db, "SELECT count(*) FROM frp_session WHERE run_id = ?", runId));
    }

    @Test
    void refusesTheApiKeyAsPrivilegeKeyAndARunIdOfAnotherKey() {
        String account = account();
        String runId = unique("run");
        rejected(hook("Login", """
                {"version":"0.1.0","op":"Login","content":{"version":"0.61.0","run_id":"%s","privilege_key":"%s"}}"""
                .formatted(runId, token(account, "agentkey", "view"))), "privilege_key is not read");
        allowed(hook("Login", login(runId, token(account, "agentkey", "view"))));
        rejected(hook("Login", login(runId, token(account, "otherkey", "view"))), "in use by a login of another API key");
        assertEquals(1, number(db, "SELECT count(*) FROM frp_session WHERE run_id = ? AND api_key_id = 'agentkey'", runId));
    }

    @ParameterizedTest(name = "refuses remote_port {0}")
    @ValueSource(strings = {"29999", "30100", "-1", "65536", "\"30001\"", "30001.5", "\"30001abc\""})
    void refusesARemotePortOutsideThePoolOrOfTheWrongType(String remotePort) {
        String account = account();
        String runId = unique("run");
        allowed(hook("Login", login(runId, token(account, "agentkey", "view"))));
        String reason = remotePort.startsWith("\"") || remotePort.contains(".") ? "content.remote_port must be an integer"
                : "must be an integer from 30000 to 30099";
        rejected(hook("NewProxy", newProxy(runId, "p", remotePort)), reason);
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", account));
    }

    @Test
    void refusesProxiesThatAreNotTcpOrCarryMissingOrMistypedFields() {
        String account = account();
        String runId = unique("run");
        allowed(hook("Login", login(runId, token(account, "agentkey", "view"))));
        rejected(hook("NewProxy", newProxy(runId, "web", "30062").replace("\"tcp\"", "\"http\"")),
                "only tcp proxies are supported, not 'http'");
        rejected(hook("NewProxy", newProxy(runId, "p", "30062").replace("\"proxy_name\":\"p\",", "")),
                "content.proxy_name is missing");
        rejected(hook("NewProxy", newProxy(runId, "p", "30062").replace("\"run_id\":\"" + runId + "\"", "\"run_id\":7")),
                "content.user.run_id must be a string, not an integer");
        rejected(hook("NewProxy", """
                {"version":"0.1.0","op":"NewProxy","content":{"proxy_name":"p","proxy_type":"tcp","remote_port":30062}}"""),
                "content.user is missing");
        rejected(hook("NewProxy", newProxy(runId, "p", "30062").replace("\"use_compression\":true",
                "\"use_compression\":\"yes\"")), "content.use_compression must be true or false");
        rejected(hook("NewProxy", newProxy("run-never-logged-in", "p", "30062")), "login refused: ");
        rejected(hook("Login", login(runId, token(account, "agentkey", "view")).replace("\"pool_count\":1",
                "\"pool_count\":\"1\"")), "content.pool_count must be an integer");
        rejected(hook("Login", login(runId, token(account, "agentkey", "view")).replace("{\"api_key\"",
                "{\"n\":1,\"api_key\"")), "content.metas.n must be a string");
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", account));
        assertEquals(0, number(db, "SELECT count(*) FROM frp_proxy WHERE run_id = ?", runId));
    }

    @Test
    void refusesBadEnvelopesAndUnknownOps() {
        rejected(hook("Reboot", "{\"version\":\"0.1.0\",\"op\":\"Reboot\",\"content\":{}}"),
                "unknown op 'Reboot'; supported: Login, NewProxy, Ping, CloseProxy, NewWorkConn, NewUserConn");
        rejected(hook("Login", "not json"), "the body is not valid JSON");
        rejected(hook("Login", "[1,2]"), "the body must be a JSON object");
        rejected(hook("Login", "{\"version\":\"0.1.0\",\"op\":\"Login\"}"), "content is missing");
        rejected(hook("Login", "{\"version\":\"0.1.0\",\"op\":\"Login\",\"content\":\"x\"}"),
                "content must be an object, not a string");
        rejected(hook("Login", "{\"op\":\"Login\",\"content\":{}}"), "version is missing");
        rejected(hook("Login", "{\"version\":\"0.2.0\",\"op\":\"Login\",\"content\":{}}"),
                "plugin protocol version '0.2.0' is not supported; use 0.1.0");
        rejected(hook("Login", "{\"version\":\"0.1.0\",\"op\":5,\"content\":{}}"), "op must be a string");
        rejected(hook("Ping", "{\"version\":\"0.1.0\",\"op\":\"Login\",\"content\":{}}"),
                "query op 'Ping' differs from the body's op 'Login'");
        rejected(hook("Login", "{\"version\":\"0.1.0\",\"op\":\"Login\",\"content\":{\"metas\":{}}}"),
                "no API key: set metadatas.api_key");
        rejected(hook("Ping", userOp("Ping", "run-unknown", "")),
                "unknown run_id run-unknown and no content.user.metas.api_key: log in again");
        rejected(hook("NewWorkConn", userOp("NewWorkConn", "run-unknown", "")), "unknown run_id");
    }

    private String state(String account, int port) {
        try (var c = db.getConnection(); var s = c.prepareStatement(
                "SELECT state FROM lease WHERE account_id = ? AND port = ?")) {
            s.setString(1, account);
            s.setInt(2, port);
            try (var rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
