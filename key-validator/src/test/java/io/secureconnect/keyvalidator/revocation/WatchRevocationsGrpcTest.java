package io.secureconnect.keyvalidator.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.agroal.api.AgroalDataSource;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.keyvalidator.apikey.ApiKeyService;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.keyvalidator.token.RotateTokenRequest;
import io.secureconnect.keyvalidator.token.TokenService;
import io.secureconnect.proto.keyvalidator.v1.RevocationCause;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** WatchRevocations through a real gRPC client: replay from a point in time, then live events. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class WatchRevocationsGrpcTest {

    @Inject
    Fixtures fixtures;

    @Inject
    TokenService tokens;

    @Inject
    ApiKeyService keys;

    @Inject
    ExpirySweeper sweeper;

    @Inject
    AgroalDataSource dataSource;

    Scope scope;
    String key;
    Grpc grpc;
    final List<Context.CancellableContext> watches = new ArrayList<>();

    @BeforeEach
    void newKey() {
        scope = Scope.account(Fixtures.unique("acct"));
        key = fixtures.key(scope, ApiKeyType.SERVICE_ACCOUNT, Fixtures.unique("sa"));
        grpc = Grpc.toTestService();
    }

    @AfterEach
    void stopWatching() throws InterruptedException {
        watches.forEach(watch -> watch.cancel(null));
        grpc.close();
    }

    /** Starts a watch; its events arrive in the returned queue. */
    BlockingQueue<RevocationEvent> watch(Instant since) {
        BlockingQueue<RevocationEvent> events = new LinkedBlockingQueue<>();
        WatchRevocationsRequest.Builder request = WatchRevocationsRequest.newBuilder();
        if (since != null) {
            request.setSince(Timestamp.newBuilder().setSeconds(since.getEpochSecond()).setNanos(since.getNano()));
        }
        Context.CancellableContext context = Context.current().withCancellation();
        watches.add(context);
        context.run(() -> grpc.async().watchRevocations(request.build(), new StreamObserver<>() {
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
        }));
        return events;
    }

    /** The next event of this test's account (other tests' events may be in the stream too). */
    RevocationEvent next(BlockingQueue<RevocationEvent> events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        while (System.nanoTime() < deadline) {
            RevocationEvent event = events.poll(100, TimeUnit.MILLISECONDS);
            if (event != null && event.getAccountId().equals(scope.accountId())) {
                return event;
            }
        }
        throw new AssertionError("no revocation event for " + scope.accountId() + " within 4 s");
    }

    String tokenIdOf(String token) {
        return token.split("\\.")[2];
    }

    String identifierOf(String tokenId) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT identifier FROM token WHERE id = ?")) {
            query.setString(1, tokenId);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        }
    }

    @Test
    void streamsARevocationLive() throws Exception {
        String token = fixtures.token(scope, key, null, null);
        BlockingQueue<RevocationEvent> events = watch(null);
        awaitWatching();
        tokens.revoke(scope, key, identifierOf(tokenIdOf(token)));
        RevocationEvent event = next(events);
        assertEquals(RevocationCause.REVOCATION_CAUSE_REVOKED, event.getCause());
        assertEquals(tokenIdOf(token), event.getTokenId());
        assertEquals(key, event.getApiKeyId());
        assertTrue(event.getSequence() > 0);
        assertTrue(event.getAt().getSeconds() >= Instant.now().minusSeconds(30).getEpochSecond());
    }

    @Test
    void replaysEventsRecordedAfterSinceThenStreamsNewOnes() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        String first = fixtures.token(scope, key, null, null);
        String second = fixtures.token(scope, key, null, null);
        tokens.revoke(scope, key, identifierOf(tokenIdOf(first)));
        BlockingQueue<RevocationEvent> events = watch(before);
        assertEquals(tokenIdOf(first), next(events).getTokenId());
        tokens.revoke(scope, key, identifierOf(tokenIdOf(second)));
        RevocationEvent live = next(events);
        assertEquals(tokenIdOf(second), live.getTokenId());
    }

    @Test
    void announcesEveryTokenOfADeletedKey() throws Exception {
        String first = fixtures.token(scope, key, null, null);
        String second = fixtures.token(scope, key, null, null);
        BlockingQueue<RevocationEvent> events = watch(null);
        awaitWatching();
        keys.delete(scope, key);
        RevocationEvent one = next(events);
        RevocationEvent two = next(events);
        assertEquals(RevocationCause.REVOCATION_CAUSE_KEY_DELETED, one.getCause());
        assertEquals(java.util.Set.of(tokenIdOf(first), tokenIdOf(second)), java.util.Set.of(one.getTokenId(), two.getTokenId()));
        assertTrue(two.getSequence() > one.getSequence());
    }

    @Test
    void announcesExpiryAndTheRotationCutOff() throws Exception {
        String expiring = fixtures.token(scope, key, null, Instant.now().plusMillis(700));
        String rotated = fixtures.token(scope, key, null, null);
        BlockingQueue<RevocationEvent> events = watch(null);
        awaitWatching();
        tokens.rotate(scope, key, identifierOf(tokenIdOf(rotated)), new RotateTokenRequest(Instant.now().plusMillis(700), null));
        List<RevocationEvent> seen = List.of(next(events), next(events));
        assertEquals(java.util.Set.of(tokenIdOf(expiring) + "/REVOCATION_CAUSE_EXPIRED",
                        tokenIdOf(rotated) + "/REVOCATION_CAUSE_ROTATED_OUT"),
                java.util.Set.of(seen.get(0).getTokenId() + "/" + seen.get(0).getCause(),
                        seen.get(1).getTokenId() + "/" + seen.get(1).getCause()));
    }

    @Test
    void announcesEachEndedTokenOnceWhenReplicasSweepTogether() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(tokenIdOf(fixtures.token(scope, key, null, null)));
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement expire = connection.prepareStatement("UPDATE token SET valid_from = now() - interval '2 hours',"
                     + " valid_to = now() - interval '1 hour' WHERE id = ANY (?)")) {
            expire.setArray(1, connection.createArrayOf("varchar", ids.toArray()));
            assertEquals(5, expire.executeUpdate());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> sweeps = List.of(sweeper::sweep, sweeper::sweep, sweeper::sweep, sweeper::sweep);
            for (Future<Integer> result : pool.invokeAll(sweeps)) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // Tokens of other tests may end during these sweeps (and the scheduled sweeper may take some of these), so
        // the sweeps' total says little: what matters is that each of the five was announced exactly once.
        for (String id : ids) {
            assertEquals(1, countEvents(id), "EXPIRED events of " + id);
        }
    }

    private int countEvents(String tokenId) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM revocation_event WHERE token_id = ?")) {
            query.setString(1, tokenId);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    @Inject
    RevocationFeed feed;

    /** A live watch subscribes asynchronously; wait until the service has registered it. */
    private void awaitWatching() {
        io.secureconnect.keyvalidator.support.Eventually.poll(java.time.Duration.ofSeconds(2), feed::watchers,
                count -> count >= watches.size(), "the watch being registered");
        assertNotNull(feed);
    }
}
