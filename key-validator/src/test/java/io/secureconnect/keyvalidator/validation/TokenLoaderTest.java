package io.secureconnect.keyvalidator.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The queue discipline of cache misses, against a store that can be held: a held database must be reproducible
 * on demand, which the real one is not, so the store here is a stand-in (TokenStore's SQL is covered by the
 * QuarkusTests against PostgreSQL, e.g. ConcurrentMissesGrpcTest).
 */
class TokenLoaderTest {

    /** Answers from a fixed set of tokens, one call per batch, each call waiting until released. */
    static final class HeldStore extends TokenStore {
        final List<List<String>> batches = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch firstCall = new CountDownLatch(1);
        final Map<String, TokenRecord> tokens;
        volatile boolean failing;

        HeldStore(List<String> ids) {
            tokens = ids.stream().collect(Collectors.toMap(Function.identity(), TokenLoaderTest::record));
        }

        @Override
        public Map<String, TokenRecord> findAll(Collection<String> tokenIds) {
            batches.add(List.copyOf(tokenIds));
            firstCall.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing) {
                throw new StoreUnavailableException(new SQLException("connection refused"));
            }
            return tokens.entrySet().stream().filter(e -> tokenIds.contains(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
    }

    TokenLoader loader;

    @AfterEach
    void stop() {
        if (loader != null) {
            loader.stop(null);
        }
    }

    @Test
    void readsTheMissesQueuedBehindAHeldQueryInOneQueryAndAnswersEachItsOwnToken() throws Exception {
        HeldStore store = new HeldStore(List.of("a", "b", "c", "d"));
        loader = loader(store, 1, 64, 100);
        CompletableFuture<TokenRecord> first = load("a");
        assertTrue(store.firstCall.await(5, TimeUnit.SECONDS));
        List<String> later = List.of("b", "c", "missing", "d", "b");
        List<CompletableFuture<TokenRecord>> answers = new ArrayList<>();
        later.forEach(id -> answers.add(load(id)));
        assertEquals(later.size(), loader.queued());
        store.release.countDown();
        assertEquals("a", first.get(5, TimeUnit.SECONDS).tokenId());
        for (int i = 0; i < later.size(); i++) {
            TokenRecord record = answers.get(i).get(5, TimeUnit.SECONDS);
            if (later.get(i).equals("missing")) {
                assertNull(record);
            } else {
                assertEquals(later.get(i), record.tokenId());
            }
        }
        assertEquals(List.of(List.of("a"), List.of("b", "c", "missing", "d")), store.batches,
                "one query for the first miss, one for the five queued behind it (b asked twice, read once)");
    }

    @Test
    void takesAtMostBatchMaxMissesIntoOneQuery() throws Exception {
        HeldStore store = new HeldStore(List.of("a", "b", "c", "d", "e"));
        loader = loader(store, 1, 2, 100);
        CompletableFuture<TokenRecord> first = load("a");
        assertTrue(store.firstCall.await(5, TimeUnit.SECONDS));
        List<CompletableFuture<TokenRecord>> rest = List.of(load("b"), load("c"), load("d"), load("e"));
        store.release.countDown();
        first.get(5, TimeUnit.SECONDS);
        for (CompletableFuture<TokenRecord> answer : rest) {
            answer.get(5, TimeUnit.SECONDS);
        }
        assertEquals(List.of(List.of("a"), List.of("b", "c"), List.of("d", "e")), store.batches);
    }

    @Test
    void refusesAMissAtOnceWhenTheQueueIsFull() throws Exception {
        HeldStore store = new HeldStore(List.of("a", "b", "c"));
        loader = loader(store, 1, 64, 1);
        CompletableFuture<TokenRecord> first = load("a");
        assertTrue(store.firstCall.await(5, TimeUnit.SECONDS));
        CompletableFuture<TokenRecord> queued = load("b");
        CompletableFuture<TokenRecord> refused = load("c");
        Exception e = assertThrows(Exception.class, () -> refused.get(1, TimeUnit.SECONDS));
        assertInstanceOf(TokenLoader.OverloadedException.class, e.getCause());
        store.release.countDown();
        assertEquals("a", first.get(5, TimeUnit.SECONDS).tokenId());
        assertEquals("b", queued.get(5, TimeUnit.SECONDS).tokenId());
    }

    @Test
    void failsEveryMissOfABatchWhenTheDatabaseDoesNotAnswer() throws Exception {
        HeldStore store = new HeldStore(List.of("a", "b"));
        store.failing = true;
        loader = loader(store, 1, 64, 100);
        CompletableFuture<TokenRecord> first = load("a");
        assertTrue(store.firstCall.await(5, TimeUnit.SECONDS));
        CompletableFuture<TokenRecord> second = load("b");
        store.release.countDown();
        for (CompletableFuture<TokenRecord> answer : List.of(first, second)) {
            Exception e = assertThrows(Exception.class, () -> answer.get(5, TimeUnit.SECONDS));
            assertInstanceOf(TokenStore.StoreUnavailableException.class, e.getCause());
        }
    }

    @Test
    void refusesToStartWithSettingsOutOfRangeNamingTheSetting() {
        HeldStore store = new HeldStore(List.of());
        IllegalStateException threads = assertThrows(IllegalStateException.class, () -> loader(store, 0, 64, 100));
        assertEquals("secureconnect.keys.store.threads must be 1 to 64, not 0", threads.getMessage());
        IllegalStateException batch = assertThrows(IllegalStateException.class, () -> loader(store, 2, 1001, 100));
        assertEquals("secureconnect.keys.store.batch-max must be 1 to 1000, not 1001", batch.getMessage());
        IllegalStateException queue = assertThrows(IllegalStateException.class, () -> loader(store, 2, 64, 0));
        assertEquals("secureconnect.keys.store.queue-max must be at least 1, not 0", queue.getMessage());
    }

    @Test
    void keepsWhatItReadInTheCache() throws Exception {
        HeldStore store = new HeldStore(List.of("a"));
        loader = loader(store, 1, 64, 100);
        store.release.countDown();
        TokenRecord record = load("a").get(5, TimeUnit.SECONDS);
        assertSame(record, loader.cache.get("a"));
    }

    private CompletableFuture<TokenRecord> load(String tokenId) {
        CompletableFuture<TokenRecord> answer = new CompletableFuture<>();
        loader.load(tokenId, (record, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(record);
            }
        });
        return answer;
    }

    private static TokenLoader loader(TokenStore store, int threads, int batchMax, int queueMax) {
        KeysConfig config = config(threads, batchMax, queueMax);
        TokenLoader loader = new TokenLoader();
        loader.config = config;
        loader.store = store;
        loader.cache = new TokenCache();
        loader.cache.config = config;
        loader.start();
        return loader;
    }

    private static KeysConfig config(int threads, int batchMax, int queueMax) {
        KeysConfig.Store store = (KeysConfig.Store) Proxy.newProxyInstance(KeysConfig.class.getClassLoader(),
                new Class<?>[] {KeysConfig.Store.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "threads" -> threads;
                    case "batchMax" -> batchMax;
                    case "queueMax" -> queueMax;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (KeysConfig) Proxy.newProxyInstance(KeysConfig.class.getClassLoader(), new Class<?>[] {KeysConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "store" -> store;
                    case "cacheMaxEntries" -> 100;
                    case "cacheTtl" -> Duration.ofMinutes(1);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static TokenRecord record(String tokenId) {
        return new TokenRecord(tokenId, new byte[32], ApiKeyType.SERVICE_ACCOUNT, Scope.account("acct"), "key_" + tokenId,
                "sa", Instant.EPOCH, Instant.now().plus(Duration.ofDays(1)), null, false, List.of());
    }
}
