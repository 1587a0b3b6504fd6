package io.secureconnect.registry;

import static io.restassured.RestAssured.given;
import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.number;
import static io.secureconnect.registry.Fixtures.unique;
import static io.secureconnect.registry.TestKeyValidator.token;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.secureconnect.registry.lease.LeaseService;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Contract tests: the bodies a stock frps v0.61 sends, replayed byte for byte from {@code src/test/resources/frp-v0.61}
 * (its README names the frp source files they follow); only the placeholders are filled in.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class FrpCompatibilityTest {

    static final String DEFAULT_FRPS = "/frp/test-only-frp-path-secret-0123456789abcdef/handler";
    static final String EDGE_2 = "/frp/test-only-frp-edge-2-secret-0123456789abcdef/handler";

    @Inject
    DataSource db;

    @Inject
    LeaseService leases;

    /** One frpc as frps sees it: its key, the run_id frps gave it, the frps it is connected to. */
    record Frpc(String frps, String apiKey, String runId) {

        ValidatableResponse send(String fixture, String proxy, Object port) {
            String body = fixture(fixture).replace("${API_KEY}", apiKey).replace("${RUN_ID}", runId)
                    .replace("${PROXY}", proxy == null ? "" : proxy).replace("${PORT}", String.valueOf(port));
            String op = body.substring(body.indexOf("\"op\":\"") + 6, body.indexOf("\",\"content\""));
            return given().contentType("application/json").header("X-Frp-Reqid", "r1").body(body)
                    .when().post(frps + "?op=" + op + "&version=0.1.0").then().statusCode(200);
        }

        ValidatableResponse send(String fixture) {
            return send(fixture, null, 0);
        }
    }

    static String fixture(String name) {
        try (InputStream in = FrpCompatibilityTest.class.getResourceAsStream("/frp-v0.61/" + name + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void allowed(ValidatableResponse response) {
        response.body("reject", equalTo(false)).body("unchange", equalTo(true));
    }

    static void rejected(ValidatableResponse response, String reason) {
        response.body("reject", equalTo(true)).body("reject_reason", containsString(reason));
    }

    static int anyPort(Frpc frpc, String proxy) {
        return frpc.send("new-proxy-any-port", proxy, 0).body("reject", equalTo(false)).body("unchange", equalTo(false))
                .body("content.proxy_name", equalTo(proxy)).body("content.user.run_id", equalTo(frpc.runId()))
                .extract().path("content.remote_port");
    }

    @Test
    void aFirstLoginWithoutRunIdIsAllowedAndItsFirstOperationRecordsTheSession() {
        String account = account();
        Frpc frpc = new Frpc(DEFAULT_FRPS, token(account, "agentkey", "view"), unique("frps-assigned"));
        allowed(frpc.send("login-first"));
        assertEquals(0, number(db, "SELECT count(*) FROM frp_session WHERE account_id = ?", account));
        allowed(frpc.send("new-work-conn"));
        assertEquals(1, number(db, "SELECT count(*) FROM frp_session WHERE frps_id = 'default' AND run_id = ?"
                + " AND account_id = ? AND api_key_id = 'agentkey'", frpc.runId(), account));
        allowed(frpc.send("new-proxy", "ssh", 30070));
        assertEquals("LIVE held until released", lease(account, 30070));
        allowed(frpc.send("close-proxy", "ssh", 0));
        assertEquals("RELEASED", lease(account, 30070));
    }

    @Test
    void aReconnectCarriesItsRunIdReleasesTheOldProxiesAndGetsThePortBack() {
        String account = account();
        Frpc frpc = new Frpc(DEFAULT_FRPS, token(account, "agentkey", "view"), unique("run"));
        allowed(frpc.send("login-first"));
        allowed(frpc.send("new-proxy", "ssh", 30071));
        long epoch = number(db, "SELECT epoch FROM lease WHERE account_id = ? AND port = 30071", account);
        allowed(frpc.send("login-reconnect"));
        assertEquals("RELEASED", lease(account, 30071), "frps closed the old control's proxies before this login");
        allowed(frpc.send("new-proxy", "ssh", 30071));
        assertEquals("LIVE held until released", lease(account, 30071));
        assertTrue(number(db, "SELECT epoch FROM lease WHERE account_id = ? AND port = 30071", account) > epoch);
        allowed(frpc.send("close-proxy", "ssh", 0));
    }

    @Test
    void twoProxiesAskingForAnyPortGetDistinctPortsAndClosingOneKeepsTheOther() {
        String account = account();
        Frpc frpc = new Frpc(DEFAULT_FRPS, token(account, "agentkey", "view"), unique("run"));
        allowed(frpc.send("login-first"));
        int first = anyPort(frpc, "git");
        int second = anyPort(frpc, "registry");
        assertNotEquals(first, second);
        assertEquals("LIVE held until released", lease(account, first));
        assertEquals("LIVE held until released", lease(account, second));
        allowed(frpc.send("close-proxy", "git", 0));
        assertEquals("RELEASED", lease(account, first));
        assertEquals("LIVE held until released", lease(account, second));
        allowed(frpc.send("new-user-conn", "registry", 0));
        rejected(frpc.send("new-user-conn", "git", 0), "holds no live lease (LEASE_LOST)");
        allowed(frpc.send("close-proxy", "registry", 0));
    }

    @Test
    void aDefaultFrpcWithTcpMuxKeepsItsLeaseForTenMinutesWithoutAPing() {
        String account = account();
        Frpc frpc = new Frpc(DEFAULT_FRPS, token(account, "agentkey", "view"), unique("run"));
        allowed(frpc.send("login-first"));
        allowed(frpc.send("new-proxy", "ssh", 30072));
        // Ten minutes of silence: no hook at all, so frps's gateway row and the tunnel's heartbeat age; sweep.
        Fixtures.execute(db, "UPDATE lease SET acquired_at = acquired_at - interval '10 minutes' WHERE account_id = ?"
                + " AND port = ?", account, 30072);
        Fixtures.execute(db, "UPDATE tunnel SET last_heartbeat = now() - interval '10 minutes' WHERE account_id = ?"
                + " AND port = ?", account, 30072);
        Fixtures.execute(db, "UPDATE gateway SET last_heartbeat = now() - interval '10 minutes', expires_at = now()"
                + " - interval '9 minutes' WHERE gateway_id = ?", "frps");
        leases.sweep();
        assertEquals("LIVE held until released", lease(account, 30072));
        given().header("x-api-key", token(account, "admin", "manage")).queryParam("accountIdentifier", account)
                .when().get("/api/v1/tunnels/30072").then().statusCode(200).body("status", equalTo("CONNECTED"))
                .body("gatewayId", equalTo("frps"));
        allowed(frpc.send("new-user-conn", "ssh", 0));
        allowed(frpc.send("close-proxy", "ssh", 0));
        assertEquals("RELEASED", lease(account, 30072));
    }

    @Test
    void anFrpsThatRestartedWithoutCloseProxyDoesNotBlockThePort() {
        String account = account();
        String key = token(account, "agentkey", "view");
        Frpc before = new Frpc(DEFAULT_FRPS, key, unique("run"));
        allowed(before.send("login-first"));
        allowed(before.send("new-proxy", "ssh", 30073));
        // frps and frpc restarted: no CloseProxy ever came; the frpc logs in afresh and gets a new run_id.
        Frpc after = new Frpc(DEFAULT_FRPS, key, unique("run"));
        Frpc stranger = new Frpc(DEFAULT_FRPS, token(account(), "agentkey", "view"), unique("run"));
        allowed(stranger.send("login-first"));
        rejected(stranger.send("new-proxy", "ssh", 30073), "held on frps default by a proxy of another API key");
        allowed(after.send("login-first"));
        allowed(after.send("new-proxy", "ssh", 30073));
        assertEquals("LIVE held until released", lease(account, 30073));
        assertEquals(1, number(db, "SELECT count(*) FROM frp_proxy WHERE frps_id = 'default' AND port = 30073"
                + " AND run_id = ?", after.runId()));
        rejected(before.send("new-user-conn", "ssh", 0), "LEASE_LOST");
        allowed(after.send("new-user-conn", "ssh", 0));
        allowed(after.send("close-proxy", "ssh", 0));
    }

    @Test
    void eachFrpsHasOnePortSpaceSharedByItsAccounts() {
        String accountA = account();
        String accountB = account();
        Frpc a = new Frpc(DEFAULT_FRPS, token(accountA, "keya", "view"), unique("run"));
        Frpc bOnDefault = new Frpc(DEFAULT_FRPS, token(accountB, "keyb", "view"), unique("run"));
        Frpc bOnEdge = new Frpc(EDGE_2, token(accountB, "keyb", "view"), unique("run"));
        allowed(a.send("login-first"));
        allowed(a.send("new-proxy", "ssh", 30074));
        allowed(bOnDefault.send("login-first"));
        rejected(bOnDefault.send("new-proxy", "ssh", 30074), "remote_port 30074 is held on frps default");
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", accountB));
        int granted = anyPort(bOnDefault, "any");
        assertNotEquals(30074, granted);
        assertEquals(0, number(db, "SELECT count(*) FROM frp_proxy p WHERE p.frps_id = 'default' AND p.port = ?"
                + " AND p.account_id <> ?", granted, accountB), "no other proxy of that frps is on the port");
        allowed(bOnEdge.send("login-first"));
        allowed(bOnEdge.send("new-proxy", "ssh-edge", 30074));
        assertEquals("LIVE held until released", lease(accountB, 30074));
        assertEquals(1, number(db, "SELECT count(*) FROM lease WHERE account_id = ? AND port = 30074"
                + " AND gateway_id = 'frps-edge-2'", accountB));
        // a run_id belongs to the frps that gave it: the same run_id on the other frps is not this login
        rejected(new Frpc(EDGE_2, "", a.runId()).send("ping"), "unknown run_id");
        for (var close : List.of(Map.entry(a, "ssh"), Map.entry(bOnDefault, "any"), Map.entry(bOnEdge, "ssh-edge"))) {
            allowed(close.getKey().send("close-proxy", close.getValue(), 0));
        }
    }

    @Test
    void badInputsAreRefusedWithTheirReasonAndChangeNothing() {
        String account = account();
        Frpc frpc = new Frpc(DEFAULT_FRPS, token(account, "agentkey", "view"), unique("run"));
        String counts = "SELECT (SELECT count(*) FROM lease WHERE account_id = ?) * 10000"
                + " + (SELECT count(*) FROM frp_session WHERE account_id = ?) * 100"
                + " + (SELECT count(*) FROM frp_proxy WHERE account_id = ?)";
        long before = number(db, counts, account, account, account);
        allowed(frpc.send("login-first"));
        long afterLogin = number(db, counts, account, account, account);
        assertEquals(before, afterLogin, "a first login records nothing");
        String proxy = fixture("new-proxy").replace("${API_KEY}", token(account, "agentkey", "view"))
                .replace("${PROXY}", "p");
        Map<String, String> cases = Map.of(
                proxy.replace("\"run_id\":\"${RUN_ID}\"", "").replace(",}", "}").replace("${PORT}", "30075"),
                "content.user.run_id is missing",
                proxy.replace("\"${RUN_ID}\"", "42").replace("${PORT}", "30075"),
                "content.user.run_id must be a string, not an integer",
                proxy.replace("${RUN_ID}", frpc.runId()).replace("${PORT}", "\"30075\""),
                "content.remote_port must be an integer, not a string",
                proxy.replace("${RUN_ID}", frpc.runId()).replace("${PORT}", "30075").replace("\"tcp\"", "true"),
                "content.proxy_type must be a string, not a boolean",
                proxy.replace("${RUN_ID}", frpc.runId()).replace("${PORT}", "30075").replace("\"op\":\"NewProxy\"",
                        "\"op\":\"Reboot\""), "unknown op 'Reboot'",
                proxy.replace("${RUN_ID}", frpc.runId()).replace("${PORT}", "30075")
                        .replace("\"api_key\":\"" + token(account, "agentkey", "view") + "\"", "\"other\":\"x\""),
                "unknown run_id " + frpc.runId() + " and no content.user.metas.api_key: log in again",
                fixture("login-first").replace("${API_KEY}", ""),
                "privilege_key is not read: with token auth frpc sends md5(token + timestamp) there");
        cases.forEach((body, reason) -> {
            String op = body.substring(body.indexOf("\"op\":\"") + 6, body.indexOf("\",\"content\""));
            rejected(given().contentType("application/json").body(body).when()
                    .post(DEFAULT_FRPS + "?op=" + op + "&version=0.1.0").then().statusCode(200), reason);
        });
        assertEquals(before, number(db, counts, account, account, account), "nothing changed");
    }

    /** The lease's state, and whether it is held until released (no TTL). */
    private String lease(String account, int port) {
        try (var c = db.getConnection(); var s = c.prepareStatement(
                "SELECT state, isfinite(expires_at) FROM lease WHERE account_id = ? AND port = ?")) {
            s.setString(1, account);
            s.setInt(2, port);
            try (var rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return rs.getString(1).equals("LIVE") && !rs.getBoolean(2) ? "LIVE held until released"
                        : rs.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
