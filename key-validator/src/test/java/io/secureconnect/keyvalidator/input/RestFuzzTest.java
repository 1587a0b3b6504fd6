package io.secureconnect.keyvalidator.input;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.fuzz.FuzzRun;
import io.secureconnect.testing.fuzz.HostileInput;
import io.secureconnect.testing.fuzz.RestFuzzer;
import io.secureconnect.testing.fuzz.RestFuzzer.Endpoint;
import io.secureconnect.testing.fuzz.RestFuzzer.Extras;
import io.secureconnect.testing.fuzz.RowCounts;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seeded fuzzing of every REST endpoint of key-validator as an account admin: never a 5xx, every refusal a problem,
 * nothing written by a refused request. {@code -Dfuzz.seed=} replays a run, {@code -Dfuzz.count=} lengthens it.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class RestFuzzTest {

    private static final Map<String, Object> KEY = Map.of("identifier", "id_1", "name", "CI", "description", "d",
            "tags", Map.of("env", "prod"), "apiKeyType", "SERVICE_ACCOUNT", "parentIdentifier", "ci_agent");
    private static final Map<String, Object> TOKEN = Map.of("identifier", "id_2", "name", "T", "description", "d",
            "validTo", "2099-01-01T00:00:00Z");
    private static final Map<String, Object> BINDING = Map.of("identifier", "id_3", "roleIdentifier",
            "_account_viewer", "principal", Map.of("type", "SERVICE_ACCOUNT", "identifier", "ci_agent"),
            "resourceGroup", Map.of("includeAllResources", true));

    @Inject
    Fixtures fixtures;

    @Inject
    DataSource db;

    @TestHTTPResource("/")
    URL base;

    @Test
    void neverAnswers5xxAndRefusedRequestsWriteNothing() {
        String account = Fixtures.unique("fuzz");
        String admin = fixtures.admin(account);
        Map<String, Object> acl = Map.of("permissions", List.of(Map.of("permission", "core_pipeline_view",
                "resourceType", "PIPELINE", "resourceScope", Map.of("accountIdentifier", account))));
        List<Endpoint> endpoints = List.of(
                new Endpoint("GET", "/api/v1/accounts", null),
                new Endpoint("POST", "/api/v1/accounts", Map.of("identifier", "id_4", "name", "A")),
                new Endpoint("GET", "/api/v1/accounts/{accountIdentifier}", null),
                new Endpoint("GET", "/api/v1/apikeys", null),
                new Endpoint("POST", "/api/v1/apikeys", KEY),
                new Endpoint("GET", "/api/v1/apikeys/{keyIdentifier}", null),
                new Endpoint("PUT", "/api/v1/apikeys/{keyIdentifier}", Map.of("name", "CI 2", "description", "d",
                        "defaultTimeToExpireToken", 3_600_000)),
                new Endpoint("DELETE", "/api/v1/apikeys/{keyIdentifier}", null),
                new Endpoint("GET", "/api/v1/apikeys/{keyIdentifier}/tokens", null),
                new Endpoint("POST", "/api/v1/apikeys/{keyIdentifier}/tokens", TOKEN),
                new Endpoint("GET", "/api/v1/apikeys/{keyIdentifier}/tokens/{tokenIdentifier}", null),
                new Endpoint("DELETE", "/api/v1/apikeys/{keyIdentifier}/tokens/{tokenIdentifier}", null),
                new Endpoint("POST", "/api/v1/apikeys/{keyIdentifier}/tokens/{tokenIdentifier}/revoke", null),
                new Endpoint("POST", "/api/v1/apikeys/{keyIdentifier}/tokens/{tokenIdentifier}/rotate",
                        Map.of("oldTokenValidUntil", "2099-01-01T00:00:00Z")),
                new Endpoint("GET", "/api/v1/permissions", null),
                new Endpoint("GET", "/api/v1/role-bindings", null),
                new Endpoint("POST", "/api/v1/role-bindings", BINDING),
                new Endpoint("GET", "/api/v1/role-bindings/{bindingIdentifier}", null),
                new Endpoint("DELETE", "/api/v1/role-bindings/{bindingIdentifier}", null),
                new Endpoint("GET", "/api/v1/roles", null),
                new Endpoint("POST", "/gateway/authz/api/acl", acl));
        // Sweepers write revocation events of other tests' tokens: those are counted for this account only.
        RowCounts counts = new RowCounts(db, Map.of(
                "account", "select count(*) from account",
                "api_key", "select count(*) from api_key",
                "token", "select count(*) from token",
                "role_binding", "select count(*) from role_binding",
                "revocation_event", "select count(*) from revocation_event where account_id = '" + account + "'"));
        RestFuzzer fuzzer = new RestFuzzer(base.toString(), counts);
        fuzzer.run(FuzzRun.fromSystemProperties("key-validator", 2000), endpoints,
                (input, endpoint) -> extras(input, account, admin));
        assertEquals(List.of(), fuzzer.failures());
    }

    private static Extras extras(HostileInput input, String account, String admin) {
        Map<String, String> query = input.scopeQuery(account);
        return new Extras(query, Map.of("x-api-key", admin));
    }
}
