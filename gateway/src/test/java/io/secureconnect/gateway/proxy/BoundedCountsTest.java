package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BoundedCountsTest {

    @Test
    void refusesAKeyAtItsCapWhileOtherKeysStillCount() {
        BoundedCounts<String> counts = new BoundedCounts<>(2);

        assertNotNull(counts.acquire("a"));
        assertNotNull(counts.acquire("a"));
        assertNull(counts.acquire("a"), "a third one for the same key");
        assertNotNull(counts.acquire("b"), "another key has its own count");
        assertEquals(2, counts.open("a"));
    }

    @Test
    void countsAgainOnceOneIsReleasedAndForgetsAKeyAtZero() {
        BoundedCounts<String> counts = new BoundedCounts<>(1);
        AtomicInteger first = counts.acquire("a");
        assertNull(counts.acquire("a"));

        counts.release("a", first);

        assertEquals(0, counts.keys(), "nothing is kept for a key with nothing open");
        AtomicInteger second = counts.acquire("a");
        assertNotNull(second);
        counts.release("a", second);
        assertEquals(0, counts.keys());
    }

    @Test
    void neverPassesTheCapUnderConcurrentAcquiresAndReleasesAndEndsEmpty() throws Exception {
        int cap = 5;
        BoundedCounts<String> counts = new BoundedCounts<>(cap);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger highest = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> admitted = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                admitted.add(threads.submit(() -> {
                    start.await();
                    int times = 0;
                    for (int i = 0; i < 20_000; i++) {
                        String key = i % 2 == 0 ? "even" : "odd";
                        AtomicInteger count = counts.acquire(key);
                        if (count != null) {
                            times++;
                            if (key.equals("even")) {
                                highest.accumulateAndGet(held.incrementAndGet(), Math::max);
                                held.decrementAndGet();
                            }
                            counts.release(key, count);
                        }
                    }
                    return times;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> each : admitted) {
                total += each.get(60, TimeUnit.SECONDS);
            }
            assertTrue(total > 0);
        } finally {
            threads.shutdownNow();
        }
        assertTrue(highest.get() <= cap, "at most " + cap + " held at once: " + highest.get());
        assertEquals(0, counts.keys(), "every key went back to zero and was forgotten");
        assertNotNull(counts.acquire("even"), "a key forgotten in a race counts afresh");
    }
}
