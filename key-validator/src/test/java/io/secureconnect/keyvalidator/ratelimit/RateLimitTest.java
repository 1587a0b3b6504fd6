package io.secureconnect.keyvalidator.ratelimit;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Repeated failures from one caller are refused for the rest of the window (defaults: 20 in 10 s); other
 * callers are not affected. REST requests come from their own loopback address (127.0.0.x) so that the other
 * tests, which call from 127.0.0.1, keep their budget.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class RateLimitTest {

    static final int MAX_FAILURES = 20;

    @Inject
    Fixtures fixtures;

    /** A raw HTTP/1.1 GET from {@code source}: status code and headers (lower-case names). */
    static Map<String, String> get(String source, String path, String apiKey) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), RestAssured.port), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nx-api-key: " + apiKey
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            Map<String, String> response = new HashMap<>();
            response.put("status", in.readLine().split(" ")[1]);
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                response.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
            }
            return response;
        }
    }

    @Test
    void answers429WithRetryAfterToARestCallerThatKeepsFailing() throws IOException {
        String account = Fixtures.unique("acct");
        String admin = fixtures.admin(account);
        String attacker = "127.0." + ThreadLocalRandom.current().nextInt(1, 250) + "." + ThreadLocalRandom.current().nextInt(2, 250);
        String path = "/api/v1/apikeys?accountIdentifier=" + account;
        String guess = admin.substring(0, admin.lastIndexOf('.') + 1) + "A".repeat(43);
        for (int i = 0; i < MAX_FAILURES; i++) {
            assertEquals("401", get(attacker, path, guess).get("status"));
        }
        Map<String, String> limited = get(attacker, path, guess);
        assertEquals("429", limited.get("status"));
        int retryAfter = Integer.parseInt(limited.get("retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= 10, "Retry-After " + retryAfter);
        assertEquals("429", get(attacker, path, admin).get("status"), "even a good key waits out the window");
        given().header("x-api-key", admin).get(path).then().statusCode(200);
    }

    @Test
    void answersResourceExhaustedToAGrpcCallerThatKeepsFailingButNotToOthers() throws InterruptedException {
        String token = fixtures.keyWithRole(Scope.account(Fixtures.unique("acct")), "_pipeline_viewer");
        try (Grpc grpc = Grpc.toTestService()) {
            String attacker = Fixtures.unique("agent");
            ValidateTokenRequest malformed = ValidateTokenRequest.newBuilder().setToken("pat.guess").build();
            for (int i = 0; i < MAX_FAILURES; i++) {
                assertEquals(DenialReason.DENIAL_REASON_MALFORMED, grpc.forwardingFor(attacker).validateToken(malformed).getReason());
            }
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> grpc.forwardingFor(attacker).validateToken(ValidateTokenRequest.newBuilder().setToken(token).build()));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertEquals("RATE_LIMITED", GrpcFailure.reason(e).orElseThrow());
            int retryAfter = Integer.parseInt(GrpcFailure.fact(e, "retry-after").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 10);
            assertTrue(grpc.forwardingFor(Fixtures.unique("honest")).validateToken(
                    ValidateTokenRequest.newBuilder().setToken(token).build()).getValid());
        }
    }

    @Test
    void limitsAGrpcPeerThatForwardsNoClientAddressByItsIdentity() throws InterruptedException {
        String token = fixtures.keyWithRole(Scope.account(Fixtures.unique("acct")), "_pipeline_viewer");
        String gateway = "gateway/" + Fixtures.unique("gw");
        try (Grpc grpc = Grpc.over(TestChannels.as(gateway, IdentityResource.grpcPort()))) {
            ValidateTokenRequest malformed = ValidateTokenRequest.newBuilder().setToken("sat.guess").build();
            for (int i = 0; i < MAX_FAILURES; i++) {
                grpc.bare().validateToken(malformed);
            }
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> grpc.bare().validateToken(malformed));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
            assertTrue(grpc.blocking().validateToken(ValidateTokenRequest.newBuilder().setToken(token).build()).getValid(),
                    "a client the gateway forwards for keeps its own budget");
        }
        try (Grpc other = Grpc.toTestService()) {
            assertTrue(other.bare().validateToken(ValidateTokenRequest.newBuilder().setToken(token).build()).getValid(),
                    "another gateway keeps its own budget");
        }
    }

    @Test
    void cutsABurstOfConcurrentBadGuessesAtTheBudgetAndLetsEveryoneElseIn() throws Exception {
        String token = fixtures.keyWithRole(Scope.account(Fixtures.unique("acct")), "_pipeline_viewer");
        String attacker = Fixtures.unique("flood");
        String prefix = token.substring(0, token.lastIndexOf('.') + 1);
        try (Grpc grpc = Grpc.toTestService()) {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String guess = prefix + String.format("%043d", i);
                answers.add(grpc.validateAsync(attacker, guess));
            }
            // A valid key from another client behind the same gateway, while the flood is in flight.
            assertTrue(grpc.forwardingFor(Fixtures.unique("honest")).validateToken(
                    ValidateTokenRequest.newBuilder().setToken(token).build()).getValid());
            Map<String, Long> outcomes = outcomes(answers);
            assertEquals(Set.of("DENIED", "RESOURCE_EXHAUSTED"), outcomes.keySet(), outcomes.toString());
            assertEquals((long) MAX_FAILURES, outcomes.get("DENIED"), "checked: exactly the budget " + outcomes);
            assertTrue(grpc.forwardingFor(Fixtures.unique("honest")).validateToken(
                    ValidateTokenRequest.newBuilder().setToken(token).build()).getValid(),
                    "after the flood, every other client is still let in at once");
        }
    }

    @Test
    void answersEveryCheckOfOneValidTokenSentManyTimesAtOnce() throws Exception {
        String token = fixtures.keyWithRole(Scope.account(Fixtures.unique("acct")), "_pipeline_viewer");
        String client = Fixtures.unique("busy");
        try (Grpc grpc = Grpc.toTestService()) {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 3 * MAX_FAILURES; i++) {
                answers.add(grpc.validateAsync(client, token));
            }
            assertEquals(Map.of("VALID", 3L * MAX_FAILURES), outcomes(answers),
                    "concurrency alone never spends the failure budget");
        }
    }

    private static Map<String, Long> outcomes(List<CompletableFuture<String>> answers) throws Exception {
        Map<String, Long> outcomes = new TreeMap<>();
        for (CompletableFuture<String> answer : answers) {
            outcomes.merge(answer.get(30, TimeUnit.SECONDS), 1L, Long::sum);
        }
        return outcomes;
    }
}
