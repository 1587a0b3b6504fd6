package io.secureconnect.policy.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
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
 * Seeded fuzzing of every REST endpoint of connector-policy as an account admin: never a 5xx, every refusal a
 * problem, nothing written by a refused request. {@code -Dfuzz.seed=} replays a run, {@code -Dfuzz.count=}
 * lengthens it.
 */
@QuarkusTest
class RestFuzzTest {

    @Inject
    DataSource db;

    @TestHTTPResource("/")
    URL base;

    @Test
    void neverAnswers5xxAndRefusedRequestsWriteNothing() {
        String account = Keys.newAccount();
        String admin = Keys.token(account, "view", "edit", "delete");
        Map<String, Object> connector = new LinkedHashMap<>(Bodies.gitHub("id_1"));
        connector.put("description", "d");
        connector.put("tags", Map.of("env", "prod"));
        connector.put("secureConnect", Bodies.secureConnect(true, 30001));
        List<Endpoint> endpoints = List.of(
                new Endpoint("GET", "/api/v1/connectors", null),
                new Endpoint("POST", "/api/v1/connectors", connector),
                new Endpoint("GET", "/api/v1/connectors/{identifier}", null),
                new Endpoint("PUT", "/api/v1/connectors/{identifier}", connector),
                new Endpoint("DELETE", "/api/v1/connectors/{identifier}", null),
                new Endpoint("PUT", "/api/v1/connectors/{identifier}/secure-connect", Bodies.secureConnect(false, null)),
                new Endpoint("GET", "/api/v1/connectors/import/{orgIdentifier}/{projectIdentifier}/{identifier}", null),
                new Endpoint("GET", "/oidc/account/{accountId}/.well-known/openid-configuration", null),
                new Endpoint("GET", "/oidc/account/{accountId}/jwks", null));
        RowCounts counts = new RowCounts(db, Map.of(
                "connector", "select count(*) from connector",
                "connector_tag", "select count(*) from connector_tag"));
        RestFuzzer fuzzer = new RestFuzzer(base.toString(), counts);
        fuzzer.run(FuzzRun.fromSystemProperties("connector-policy", 2000), endpoints,
                (input, endpoint) -> extras(input, account, admin));
        assertEquals(List.of(), fuzzer.failures());
    }

    private static Extras extras(HostileInput input, String account, String admin) {
        Map<String, String> query = input.scopeQuery(account);
        if (input.chance(0.2)) {
            query.put(input.pick(List.of("type", "secureConnect", "tag")), input.text());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-api-key", admin);
        if (input.chance(0.1)) {
            headers.put("If-Match", input.text().replaceAll("[^\\x20-\\x7e]", "?"));
        }
        return new Extras(query, headers);
    }
}
