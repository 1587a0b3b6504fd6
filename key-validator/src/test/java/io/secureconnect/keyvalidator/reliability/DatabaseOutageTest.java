package io.secureconnect.keyvalidator.reliability;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.testing.DatabaseOutage;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The key database taken away for 10 s while key-validator runs (README "Reliability"): validation fails closed
 * (UNAVAILABLE / 503 DATABASE_UNAVAILABLE), a token validated just before is accepted only inside the documented
 * window (the last successful revocation poll no older than {@code revocation-max-staleness}), nothing is written,
 * and everything works again with no restart once the database is back.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class DatabaseOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration HANG_GUARD = Duration.ofSeconds(15);

    @Inject
    Fixtures fixtures;

    @Inject
    KeysConfig config;

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String databaseUrl;

    @Test
    void failsClosedWhileTheDatabaseIsAwayAndRecoversByItself() throws Exception {
        String account = Fixtures.unique("acct");
        String admin = fixtures.admin(account);
        String cached = fixtures.keyWithRole(Scope.account(account), "_pipeline_viewer");
        String unseen = fixtures.keyWithRole(Scope.account(account), "_pipeline_viewer");
        long keysBefore = count("SELECT count(*) FROM api_key WHERE account_id = ?", account);
        try (Grpc grpc = Grpc.toTestService()) {
            assertTrue(validate(grpc, cached), "validated, and so cached, before the outage");
            as(admin, account).get("/api/v1/apikeys").then().statusCode(200);

            long lastAccepted;
            Duration uncachedAnswer;
            Duration cachedRefusedAfter;
            try (DatabaseOutage outage = DatabaseOutage.of(databaseUrl)) {
                long window = outage.startedNanos() + config.revocationMaxStaleness().toNanos();

                // The token read before: accepted only while the last revocation poll is fresh, then refused.
                long[] lastOk = {0};
                DatabaseOutage.await(HANG_GUARD, "the cached token refused", () -> {
                    long sent = System.nanoTime();
                    try {
                        if (validate(grpc, cached)) {
                            lastOk[0] = sent;
                            return false;
                        }
                        throw new AssertionError("a cached token was denied, not refused, during the outage");
                    } catch (StatusRuntimeException e) {
                        assertDatabaseUnavailable(e);
                        return true;
                    }
                });
                lastAccepted = lastOk[0];
                cachedRefusedAfter = outage.elapsed();
                assertTrue(lastAccepted < window, "accepted from the cache " + millis(lastAccepted - window)
                        + " ms after revocation-max-staleness (" + config.revocationMaxStaleness() + ") had run out");

                // A token this replica has not read: the database must answer, and cannot.
                long asked = System.nanoTime();
                assertUnavailable(grpc, unseen);
                uncachedAnswer = Duration.ofNanos(System.nanoTime() - asked);

                // REST: the key check reads the database, so reads and writes alike are 503 problems.
                as(admin, account).get("/api/v1/apikeys").then().statusCode(503)
                        .contentType("application/problem+json").body("code", equalTo("DATABASE_UNAVAILABLE"));
                as(admin, account).body(key("written_in_outage")).post("/api/v1/apikeys").then().statusCode(503)
                        .contentType("application/problem+json").body("code", equalTo("DATABASE_UNAVAILABLE"));

                while (outage.elapsed().compareTo(OUTAGE) < 0) {
                    assertUnavailable(grpc, unseen);
                    assertUnavailable(grpc, cached);
                    Thread.sleep(500);
                }
                outage.end();

                Duration recovered = DatabaseOutage.await(HANG_GUARD, "validation working again",
                        () -> answersValid(grpc, unseen));
                System.out.printf("[reliability] key-validator, key database away %d s: a cached token last"
                        + " accepted %d ms after the database went, UNAVAILABLE from %d ms (revocation-max-staleness"
                        + " %s); a token not in the cache UNAVAILABLE in %d ms; recovered %d ms after it was back%n",
                        OUTAGE.toSeconds(), lastAccepted == 0 ? -1 : millis(lastAccepted - outage.startedNanos()),
                        cachedRefusedAfter.toMillis(), config.revocationMaxStaleness(), uncachedAnswer.toMillis(),
                        recovered.toMillis());
            }

            assertTrue(validate(grpc, cached));
            as(admin, account).get("/api/v1/apikeys").then().statusCode(200);
            as(admin, account).get("/api/v1/apikeys/written_in_outage").then().statusCode(404);
            assertEquals(keysBefore, count("SELECT count(*) FROM api_key WHERE account_id = ?", account),
                    "no key was written during the outage");
            as(admin, account).body(key("written_after")).post("/api/v1/apikeys").then().statusCode(201);
        }
    }

    private static boolean validate(Grpc grpc, String token) {
        return grpc.blocking().validateToken(ValidateTokenRequest.newBuilder().setToken(token).build()).getValid();
    }

    private static boolean answersValid(Grpc grpc, String token) {
        try {
            return validate(grpc, token);
        } catch (StatusRuntimeException e) {
            assertDatabaseUnavailable(e);
            return false;
        }
    }

    private static void assertUnavailable(Grpc grpc, String token) {
        try {
            validate(grpc, token);
        } catch (StatusRuntimeException e) {
            assertDatabaseUnavailable(e);
            return;
        }
        throw new AssertionError("ValidateToken answered while the key database was away");
    }

    private static void assertDatabaseUnavailable(StatusRuntimeException e) {
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().getDescription());
        assertEquals("DATABASE_UNAVAILABLE", GrpcFailure.reason(e).orElse(null));
    }

    private static RequestSpecification as(String token, String account) {
        return given().header("x-api-key", token).contentType(ContentType.JSON).queryParam("accountIdentifier", account);
    }

    private static Map<String, Object> key(String identifier) {
        return Map.of("identifier", identifier, "name", "Key " + identifier, "apiKeyType", "SERVICE_ACCOUNT",
                "parentIdentifier", "ci_agent");
    }

    private long count(String sql, String account) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, account);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long millis(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }
}
