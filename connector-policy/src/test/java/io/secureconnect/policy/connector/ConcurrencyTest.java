package io.secureconnect.policy.connector;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Duplicates answered by the database's unique constraint, stale writes by the version (ETag / If-Match). */
@QuarkusTest
class ConcurrencyTest {

    @Test
    void refusesADuplicateIdentifierInTheSameScopeButNotInAnother() {
        String account = Keys.newAccount();
        SecureConnectSwitchTest.create(account, Bodies.gitHub("repo"));

        Keys.asAdmin(account).body(Bodies.gitHub("repo")).queryParam("accountIdentifier", account)
                .when().post("/api/v1/connectors")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("DUPLICATE_IDENTIFIER"))
                .body("detail", containsString("'repo'"));

        Keys.asAdmin(account).body(Bodies.gitHub("repo")).queryParam("accountIdentifier", account)
                .queryParam("orgIdentifier", "default")
                .when().post("/api/v1/connectors").then().statusCode(201);
        String other = Keys.newAccount();
        SecureConnectSwitchTest.create(other, Bodies.gitHub("repo"));
    }

    @Test
    void letsExactlyOneOfManyConcurrentCreatesOfTheSameIdentifierWin() throws Exception {
        String account = Keys.newAccount();
        List<Integer> statuses = concurrently(8, () -> Keys.asAdmin(account).body(Bodies.gitHub("raced"))
                .queryParam("accountIdentifier", account).when().post("/api/v1/connectors").statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), "statuses " + statuses);
        assertEquals(7, statuses.stream().filter(s -> s == 409).count(), "statuses " + statuses);
    }

    @Test
    void refusesAReplaceWithAStaleETagAndKeepsTheNewerVersion() {
        String account = Keys.newAccount();
        String first = SecureConnectSwitchTest.create(account, Bodies.gitHub("repo")).header("ETag");
        Map<String, Object> renamed = new LinkedHashMap<>(Bodies.gitHub("repo"));
        renamed.put("name", "renamed once");
        String second = Keys.asAdmin(account).body(renamed).header("If-Match", first)
                .queryParam("accountIdentifier", account)
                .when().put("/api/v1/connectors/repo").then().statusCode(200).extract().header("ETag");

        renamed.put("name", "renamed by a writer who read long ago");
        Keys.asAdmin(account).body(renamed).header("If-Match", first).queryParam("accountIdentifier", account)
                .when().put("/api/v1/connectors/repo")
                .then().statusCode(412)
                .contentType("application/problem+json")
                .body("code", equalTo("STALE_VERSION"));
        Keys.asAdmin(account).header("If-Match", first).queryParam("accountIdentifier", account)
                .when().delete("/api/v1/connectors/repo")
                .then().statusCode(412).body("code", equalTo("STALE_VERSION"));

        SecureConnectSwitchTest.read(account, "repo").then().statusCode(200)
                .header("ETag", equalTo(second))
                .body("name", equalTo("renamed once"));
        Keys.asAdmin(account).header("If-Match", "\"not-a-version\"").queryParam("accountIdentifier", account)
                .when().delete("/api/v1/connectors/repo")
                .then().statusCode(412).body("code", equalTo("STALE_VERSION"));
        SecureConnectSwitchTest.read(account, "repo").then().statusCode(200);
    }

    @Test
    void letsOnlyOneOfConcurrentWritersHoldingTheSameETagWin() throws Exception {
        String account = Keys.newAccount();
        String etag = SecureConnectSwitchTest.create(account, Bodies.gitHub("repo")).header("ETag");
        List<Integer> statuses = concurrently(6, () -> {
            Map<String, Object> body = new LinkedHashMap<>(Bodies.gitHub("repo"));
            body.put("name", "writer " + Thread.currentThread().getName());
            return Keys.asAdmin(account).body(body).header("If-Match", etag).queryParam("accountIdentifier", account)
                    .when().put("/api/v1/connectors/repo").statusCode();
        });
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "statuses " + statuses);
        assertEquals(5, statuses.stream().filter(s -> s == 412).count(), "statuses " + statuses);
    }

    private static List<Integer> concurrently(int writers, Callable<Integer> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return call.call();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
