package io.secureconnect.keyvalidator.ratelimit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The failure budget of one token id (default 50 failed uses per 60 s, from all clients together): many sources
 * guessing one key's secret are answered KEY_THROTTLED once it is spent, while its owner's right secret is accepted
 * at once, over gRPC and REST. Each source sends one guess, so no per-client budget (20) is involved.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class KeyThrottleTest {

    static final int MAX_FAILURES = 50;

    @Inject
    Fixtures fixtures;

    @Inject
    KeyFailureBudget budget;

    private static String guess(String token, int n) {
        return token.substring(0, token.lastIndexOf('.') + 1) + String.format("%043d", n);
    }

    private static String tokenId(String token) {
        return token.split("\\.")[2];
    }

    @Test
    void throttlesWrongSecretsFromManySourcesOverGrpcAndStillAcceptsTheRightOne() throws Exception {
        String token = fixtures.keyWithRole(Scope.account(Fixtures.unique("acct")), "_pipeline_viewer");
        try (Grpc grpc = Grpc.toTestService()) {
            for (int i = 0; i < MAX_FAILURES; i++) {
                ValidateTokenResponse answer = grpc.forwardingFor(Fixtures.unique("source"))
                        .validateToken(ValidateTokenRequest.newBuilder().setToken(guess(token, i)).build());
                assertEquals(DenialReason.DENIAL_REASON_UNKNOWN, answer.getReason(), "guess " + i);
            }
            for (int i = MAX_FAILURES; i < MAX_FAILURES + 5; i++) {
                String wrong = guess(token, i);
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc
                        .forwardingFor(Fixtures.unique("source"))
                        .validateToken(ValidateTokenRequest.newBuilder().setToken(wrong).build()));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
                assertEquals("KEY_THROTTLED", GrpcFailure.reason(e).orElseThrow());
                int retryAfter = Integer.parseInt(GrpcFailure.fact(e, "retry-after").orElseThrow());
                assertTrue(retryAfter >= 1 && retryAfter <= 60, "retry-after " + retryAfter);
            }
            assertTrue(grpc.forwardingFor(Fixtures.unique("owner")).validateToken(
                    ValidateTokenRequest.newBuilder().setToken(token).build()).getValid(), "the owner, at once");
        }
        String log = NoSecretsInLogs.log();
        String warning = "token id " + tokenId(token) + " is over its failure budget: " + MAX_FAILURES + " failed uses";
        assertEquals(1, log.split(java.util.regex.Pattern.quote(warning), -1).length - 1,
                "one WARN for the window, naming the id and the counts");
        assertFalse(log.contains(token.substring(token.lastIndexOf('.') + 1)), "never the secret");
    }

    @Test
    void answers429WithRetryAfterToRestGuessesFromManyAddressesAndStillLetsTheOwnerIn() throws Exception {
        String account = Fixtures.unique("acct");
        String admin = fixtures.admin(account);
        String path = "/api/v1/apikeys?accountIdentifier=" + account;
        // Sources 127.0.201.x, apart from RateLimitTest's random 127.0.1-249.x attackers only by luck: each sends one.
        for (int i = 0; i < MAX_FAILURES; i++) {
            assertEquals("401", RateLimitTest.get("127.0.201." + (i + 2), path, guess(admin, i)).get("status"));
        }
        Map<String, String> throttled = RateLimitTest.get("127.0.202.2", path, guess(admin, 999));
        assertEquals("429", throttled.get("status"));
        int retryAfter = Integer.parseInt(throttled.get("retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals("200", RateLimitTest.get("127.0.202.3", path, admin).get("status"), "the owner, at once");
        given().header("x-api-key", guess(admin, 1000)).get(path).then().statusCode(429)
                .body("code", org.hamcrest.Matchers.equalTo("KEY_THROTTLED"));
    }

    @Test
    void cutsAConcurrentBurstFromManySourcesAtTheBudget() throws Exception {
        String token = fixtures.keyWithRole(Scope.account(Fixtures.unique("acct")), "_pipeline_viewer");
        try (Grpc grpc = Grpc.toTestService()) {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 4 * MAX_FAILURES; i++) {
                answers.add(grpc.validateAsync(Fixtures.unique("burst"), guess(token, i)));
            }
            Map<String, Long> outcomes = new TreeMap<>();
            for (CompletableFuture<String> answer : answers) {
                outcomes.merge(answer.get(30, TimeUnit.SECONDS), 1L, Long::sum);
            }
            assertEquals(Map.of("DENIED", (long) MAX_FAILURES, "RESOURCE_EXHAUSTED", 3L * MAX_FAILURES), outcomes,
                    "checked and denied: exactly the budget, though none had failed when the burst began");
            assertTrue(grpc.forwardingFor(Fixtures.unique("owner")).validateToken(
                    ValidateTokenRequest.newBuilder().setToken(token).build()).getValid(), "the owner, at once");
        }
    }

    @Test
    void remembersNoTokenIdThatDoesNotExist() throws Exception {
        int before = budget.tracked();
        try (Grpc grpc = Grpc.toTestService()) {
            for (int i = 0; i < 100; i++) {
                String unknown = "pat.acct_none." + String.format("%022d", i) + "." + String.format("%043d", i);
                assertEquals(DenialReason.DENIAL_REASON_UNKNOWN, grpc.forwardingFor(Fixtures.unique("u"))
                        .validateToken(ValidateTokenRequest.newBuilder().setToken(unknown).build()).getReason());
            }
        }
        assertTrue(budget.tracked() <= before, "unknown ids count only per client: " + budget.tracked());
    }
}
