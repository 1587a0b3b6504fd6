package io.secureconnect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The answers to a batch of concurrent acquisitions, checked against the rules every grant must keep. */
final class ConcurrentGrants {

    /** One acquisition: what was asked (port 0: any free one) and the lease or the failure it got. */
    record Answer(String account, int port, String apiKeyId, Lease lease, StatusRuntimeException failure) {
    }

    private ConcurrentGrants() {
    }

    /** Runs every call at the same instant, each on its own thread, and returns what each gave (in any order). */
    static <C, R> List<R> atOnce(List<C> calls, Function<C, R> call) throws Exception {
        ConcurrentLinkedQueue<R> results = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (C each : calls) {
                running.add(pool.submit(() -> {
                    start.await();
                    results.add(call.apply(each));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : running) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(calls.size(), results.size());
        return new ArrayList<>(results);
    }

    /**
     * Checks that only named ports failed, each with PORT_HELD; that every grant has its own epoch, went to the
     * account and key that asked, and holds the port asked for; and that no (account, port) was granted twice.
     * Returns the grants by account and port.
     */
    static Map<String, Map<Integer, Lease>> check(List<Answer> answers) {
        Set<Long> epochs = new HashSet<>();
        Map<String, Map<Integer, Lease>> granted = new HashMap<>();
        for (Answer answer : answers) {
            if (answer.failure() != null) {
                assertTrue(answer.port() != 0, "an any-port call failed: " + answer.failure().getStatus());
                assertEquals(Status.Code.ALREADY_EXISTS, answer.failure().getStatus().getCode(),
                        String.valueOf(answer.failure().getStatus()));
                assertEquals("PORT_HELD", GrpcFailure.reason(answer.failure()).orElse(null));
                continue;
            }
            Lease lease = answer.lease();
            assertTrue(epochs.add(lease.getEpoch()), "epoch granted twice: " + lease.getEpoch());
            Lease earlier = granted.computeIfAbsent(lease.getAccountId(), k -> new HashMap<>())
                    .put(lease.getPort(), lease);
            assertEquals(null, earlier, "port " + lease.getPort() + " of " + lease.getAccountId() + " granted twice");
            assertEquals(answer.account(), lease.getAccountId());
            assertEquals(answer.apiKeyId(), lease.getApiKeyId());
            if (answer.port() != 0) {
                assertEquals(answer.port(), lease.getPort());
            }
        }
        return granted;
    }
}
