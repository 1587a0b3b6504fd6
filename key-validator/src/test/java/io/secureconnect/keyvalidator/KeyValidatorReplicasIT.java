package io.secureconnect.keyvalidator;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.keyvalidator.support.Eventually;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.RevocationCause;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import io.secureconnect.testing.FreePorts;
import io.secureconnect.testing.LocalPostgres;
import io.secureconnect.testing.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two key-validator processes (the packaged application) on one database, started together: exactly one of them
 * bootstraps the admin key, and a token revoked through one is refused by the other within 2 seconds, which also
 * streams the revocation to its watchers.
 */
class KeyValidatorReplicasIT {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final Path LOGS = Path.of("target/it-logs");
    static final String ACCOUNT = "it_account";
    static final Pattern BOOTSTRAP_LINE = Pattern.compile("Bootstrap admin API key \\(shown once\\): (sat\\.it_account\\.\\S+)");

    static String database;
    static final List<Replica> replicas = new ArrayList<>();

    record Replica(String name, int port, int grpcPort, Process process, Path log) {
        String url() {
            return "http://127.0.0.1:" + port;
        }
    }

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        assertTrue(Files.exists(JAR), "package the application first (mvn verify runs this after package)");
        database = LocalPostgres.createUniqueDatabase("kv_replicas");
        Files.createDirectories(LOGS);
        replicas.add(start("a"));
        replicas.add(start("b"));
        for (Replica replica : replicas) {
            Eventually.poll(Duration.ofSeconds(90), () -> ready(replica), ready -> ready, "replica " + replica.name() + " ready");
        }
    }

    @AfterAll
    static void stopReplicas() throws InterruptedException {
        for (Replica replica : replicas) {
            replica.process().destroy();
            if (!replica.process().waitFor(15, TimeUnit.SECONDS)) {
                replica.process().destroyForcibly();
            }
        }
        if (database != null) {
            LocalPostgres.dropDatabase(database);
        }
    }

    static Replica start(String name) throws IOException {
        int port = FreePorts.next();
        int grpcPort = FreePorts.next();
        Path log = LOGS.resolve("replica-" + name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java,
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.grpc.server.port=" + grpcPort,
                "-Dquarkus.grpc.server.host=127.0.0.1",
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + FreePorts.next(),
                "-Dsecureconnect.identity.dir=" + TestPki.shared().identity("service/key-validator"),
                "-Dquarkus.datasource.jdbc.url=" + LocalPostgres.jdbcUrl(database),
                "-Dquarkus.datasource.username=" + LocalPostgres.user(),
                "-Dquarkus.datasource.password=" + LocalPostgres.password(),
                "-Dsecureconnect.keys.bootstrap.account=" + ACCOUNT,
                "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // The pepper is a secret: through the environment, not the command line (visible in ps).
        builder.environment().put("SECURECONNECT_KEYS_PEPPER", "it-only-pepper-not-secret-0123456789abcdef");
        return new Replica(name, port, grpcPort, builder.start(), log);
    }

    static boolean ready(Replica replica) {
        if (!replica.process().isAlive()) {
            throw new AssertionError("replica " + replica.name() + " exited; see " + replica.log());
        }
        try {
            return given().baseUri(replica.url()).get("/q/health/ready").statusCode() == 200;
        } catch (Exception e) { // RestAssured throws ConnectException undeclared while the port is not open yet
            return false;
        }
    }

    static String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (Replica replica : replicas) {
            all.append(Files.readString(replica.log(), StandardCharsets.UTF_8));
        }
        return all.toString();
    }

    RequestSpecification api(Replica replica, String token) {
        return given().baseUri(replica.url()).header("x-api-key", token).contentType(ContentType.JSON)
                .queryParam("accountIdentifier", ACCOUNT);
    }

    @Test
    void oneBootstrapAdminAndARevocationThroughOneReplicaIsRefusedByTheOtherWithin2Seconds() throws Exception {
        Replica a = replicas.get(0);
        Replica b = replicas.get(1);
        List<String> printed = new ArrayList<>();
        Matcher matcher = BOOTSTRAP_LINE.matcher(logs());
        while (matcher.find()) {
            printed.add(matcher.group(1));
        }
        assertEquals(1, printed.size(), "exactly one replica prints a bootstrap admin key");
        String admin = printed.get(0);

        api(a, admin).body(Map.of("identifier", "agent_key", "name", "Agent", "apiKeyType", "SERVICE_ACCOUNT",
                "parentIdentifier", "agent")).post("/api/v1/apikeys").then().statusCode(201);
        api(b, admin).body(Map.of("identifier", "agent_view", "roleIdentifier", "_pipeline_viewer",
                "principal", Map.of("type", "SERVICE_ACCOUNT", "identifier", "agent"),
                "resourceGroup", Map.of("includeAllResources", true))).post("/api/v1/role-bindings").then().statusCode(201);
        String token = api(a, admin).body(Map.of("identifier", "agent_token", "name", "Agent token"))
                .post("/api/v1/apikeys/agent_key/tokens").then().statusCode(201).extract().path("token");

        try (Grpc grpcB = Grpc.to(b.grpcPort())) {
            assertTrue(grpcB.validate(token, "core_pipeline_view").getValid());
            assertTrue(grpcB.validate(token, "core_pipeline_view").getValid());
            BlockingQueue<RevocationEvent> events = new LinkedBlockingQueue<>();
            Context.CancellableContext watch = Context.current().withCancellation();
            // "since" a minute ago: the replay covers a revocation that lands before the watch is registered
            java.time.Instant since = java.time.Instant.now().minusSeconds(60);
            WatchRevocationsRequest request = WatchRevocationsRequest.newBuilder().setSince(com.google.protobuf.Timestamp
                    .newBuilder().setSeconds(since.getEpochSecond()).build()).build();
            watch.run(() -> grpcB.async().watchRevocations(request, collect(events)));
            try {
                long revokedAt = System.nanoTime();
                api(a, admin).post("/api/v1/apikeys/agent_key/tokens/agent_token/revoke").then().statusCode(200);
                ValidateTokenResponse refused = Eventually.poll(Duration.ofSeconds(2),
                        () -> grpcB.validate(token, "core_pipeline_view"), answer -> !answer.getValid(),
                        "replica b refusing the token revoked through replica a");
                long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt);
                assertEquals(DenialReason.DENIAL_REASON_REVOKED, refused.getReason());
                assertTrue(elapsedMs < 2000, "refused after " + elapsedMs + " ms");
                RevocationEvent event = events.poll(2, TimeUnit.SECONDS);
                assertTrue(event != null, "replica b streams the revocation to its watchers");
                assertEquals(RevocationCause.REVOCATION_CAUSE_REVOKED, event.getCause());
                assertEquals(token.split("\\.")[2], event.getTokenId());
                assertEquals("agent_key", event.getApiKeyId());
            } finally {
                watch.cancel(null);
            }
            given().baseUri(a.url()).header("x-api-key", token).contentType(ContentType.JSON)
                    .body(Map.of("permissions", List.of(Map.of("resourceScope", Map.of("accountIdentifier", ACCOUNT),
                            "resourceType", "PIPELINE", "permission", "core_pipeline_view"))))
                    .post("/gateway/authz/api/acl").then().statusCode(401);
        }

        String logs = logs();
        NoSecretsInLogs.assertNoneLogged(List.of(token), logs);
        assertEquals(1, logs.split(Pattern.quote(admin), -1).length - 1, "the bootstrap token is printed exactly once");
    }

    static StreamObserver<RevocationEvent> collect(BlockingQueue<RevocationEvent> events) {
        return new StreamObserver<>() {
            @Override
            public void onNext(RevocationEvent event) {
                events.add(event);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
