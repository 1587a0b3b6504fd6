package io.secureconnect.registry.input;

import static io.secureconnect.registry.TestKeyValidator.token;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.registry.Fixtures;
import io.secureconnect.registry.TestKeyValidator;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.fuzz.FuzzRun;
import io.secureconnect.testing.fuzz.HostileInput;
import io.secureconnect.testing.fuzz.RestFuzzer;
import io.secureconnect.testing.fuzz.RestFuzzer.Endpoint;
import io.secureconnect.testing.fuzz.RestFuzzer.Extras;
import io.secureconnect.testing.fuzz.RowCounts;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of every REST endpoint of tunnel-registry (people's API, frp plugin, Harness's frps fork): never a
 * 5xx, every refusal a problem (or frp's reject), nothing written by a refused request. {@code -Dfuzz.seed=}
 * replays a run, {@code -Dfuzz.count=} lengthens it.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class RestFuzzTest {

    private static final String FRP = "/frp/test-only-frp-path-secret-0123456789abcdef/handler";

    @Inject
    DataSource db;

    @TestHTTPResource("/")
    URL base;

    @Test
    void neverAnswers5xxAndRefusedRequestsWriteNothing() {
        String account = Fixtures.account();
        Map<String, Object> login = Map.of("version", "0.1.0", "op", "Login", "content", Map.of("version", "0.61.0",
                "hostname", "h", "os", "linux", "arch", "amd64", "user", "", "timestamp", 1732580000,
                "run_id", "run_fuzz", "pool_count", 1, "metas", Map.of("api_key", token(account, "k1", "manage"))));
        Map<String, Object> newProxy = Map.of("version", "0.1.0", "op", "NewProxy", "content", Map.of(
                "user", Map.of("user", "", "metas", Map.of(), "run_id", "run_fuzz"), "proxy_name", "p",
                "proxy_type", "tcp", "remote_port", 30090));
        Map<String, Object> fork = Map.of("port", "30091", "userCredentials", "frpc-secret");
        List<Endpoint> endpoints = List.of(
                new Endpoint("GET", "/api/v1/tunnels", null),
                new Endpoint("GET", "/api/v1/tunnels/{port}", null),
                new Endpoint("DELETE", "/api/v1/tunnels/{port}/lease", null),
                new Endpoint("GET", "/api/v1/port-pool", null),
                new Endpoint("GET", "/api/v1/gateways", null),
                new Endpoint("POST", FRP, login),
                new Endpoint("POST", FRP, newProxy),
                new Endpoint("POST", "/frp/{secret}/handler", login),
                new Endpoint("POST", "/ng/api/tunnel", fork),
                new Endpoint("DELETE", "/ng/api/tunnel", fork));
        // The sweeper and pruner change other tests' leases meanwhile: lease tables are counted for this account.
        String mine = " where account_id = '" + account + "'";
        RowCounts counts = new RowCounts(db, Map.of(
                "lease", "select count(*) from lease" + mine,
                "tunnel", "select count(*) from tunnel" + mine,
                "lease_event", "select count(*) from lease_event" + mine,
                "gateway", "select count(*) from gateway",
                "frp_session", "select count(*) from frp_session",
                "frp_proxy", "select count(*) from frp_proxy",
                "frp_registration", "select count(*) from frp_registration"));
        RestFuzzer fuzzer = new RestFuzzer(base.toString(), counts, body -> body.contains("\"reject\":true"));
        fuzzer.run(FuzzRun.fromSystemProperties("tunnel-registry", 2000), endpoints,
                (input, endpoint) -> extras(input, endpoint, account));
        assertEquals(List.of(), fuzzer.failures());
    }

    private static Extras extras(HostileInput input, Endpoint endpoint, String account) {
        Map<String, String> query = new LinkedHashMap<>();
        if (endpoint.path().startsWith("/frp/")) {
            query.put("version", input.chance(0.8) ? "0.1.0" : input.text());
            query.put("op", input.chance(0.8) ? String.valueOf(endpoint.body().get("op")) : input.text());
            return new Extras(query, Map.of("X-Frp-Reqid", "fuzz"));
        }
        query.put("accountIdentifier", input.chance(0.8) ? account : input.text());
        if (input.chance(0.3)) {
            query.put(input.pick(List.of("page", "limit", "status", "port")), input.pageValue());
        }
        String key = endpoint.path().startsWith("/ng/") ? token(account, "agentkey", "view")
                : token(account, "admin", "manage");
        return new Extras(query, Map.of("x-api-key", key));
    }
}
