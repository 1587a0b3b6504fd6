package io.secureconnect.bench;

import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.TrafficCounters;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * tunnel-registry leases with {@code --requesters} (default 100) concurrent requesters, each its own account and
 * API key so that every grant succeeds, all through the gateway that {@code --identity} names (its certificate, e.g.
 * {@code gateway/bench-gateway}: a gateway acts only as itself), with lease receipts signed by the key-validator
 * identity {@code --receipt-signer} names ({@link BenchReceipts}, reused within their lifetime): (1) acquire (port 0: lowest free port) then
 * release, closed loop, latency of the acquire alone; (1b) bursts: all requesters at the same instant, once each
 * (a reconnect storm); (1c) with {@code --acquire-rate}: acquisitions at that fixed rate spread over the requesters ({@link PacedAcquire});
 * (2) each requester holds one lease and renews it with traffic counters as fast as it can.
 * Then the baseline on the same PostgreSQL ({@link UpsertBaseline}), and with {@code --registry-jdbc-url} the
 * registry's own SQL without the service ({@link LeaseSqlFloor}). For tuning, {@code --only=} names the parts to run:
 * {@code loop}, {@code bursts}, {@code paced}, {@code renew}, {@code baselines} (comma-separated; default all), and
 * {@code renew-floor} (not in the default): right after {@code renew}, the registry's own renew statement on the same
 * leases over JDBC ({@link RenewSqlFloor}, needs {@code --registry-jdbc-url}). {@code --label=} is appended to the
 * RenewLease figure's name (e.g. "(2 replicas)" when {@code --registry} names two).
 */
public final class AcquireLeaseBench {

    static final int WARMUP_BURSTS = 5;

    private AcquireLeaseBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        CpuProbe.services(args.get("pids", ""));
        int requesters = args.integer("requesters", 100);
        Duration warmup = args.seconds("warmup", 10);
        Duration duration = args.seconds("duration", 20);
        String out = args.get("out", null);
        Set<String> only = Set.of(args.get("only", "loop,bursts,paced,renew,baselines").split(","));
        Identity identity = Identity.of(args.get("identity"));
        BenchReceipts receipts = BenchReceipts.of(args.get("receipt-signer"));
        try (Channels channels = new Channels(args.get("registry"), args.integer("channels", 4), identity);
                GatewayKeeper gateway = new GatewayKeeper(channels.get(0), identity)) {
            // every request names the gateway of the certificate: a gateway acts only as itself
            IntFunction<AcquireLeaseRequest> acquire = requester -> acquire(gateway.id(), requester, receipts);
            List<TunnelRegistryGrpc.TunnelRegistryBlockingStub> stubs = new ArrayList<>();
            List<TunnelRegistryGrpc.TunnelRegistryStub> async = new ArrayList<>();
            for (int i = 0; i < requesters; i++) {
                stubs.add(TunnelRegistryGrpc.newBlockingStub(channels.get(i)));
                async.add(TunnelRegistryGrpc.newStub(channels.get(i)));
            }
            if (only.contains("loop")) {
                loop(async, acquire, requesters, warmup, duration).report(out);
            }
            if (only.contains("bursts")) {
                burst(async, acquire, args.integer("bursts", 50)).report(out);
            }
            int rate = args.integer("acquire-rate", 0);
            if (rate > 0 && only.contains("paced")) {
                PacedAcquire.run(async, acquire, rate, warmup, duration, out).report(out);
            }
            if (only.contains("renew")) {
                List<Lease> held = hold(stubs, acquire, requesters);
                String label = args.get("label", "");
                renew(async, held, label.isEmpty() ? "RenewLease" : "RenewLease " + label, warmup, duration)
                        .report(out);
                if (only.contains("renew-floor")) {
                    CpuProbe.services(""); // no service in the floor
                    try {
                        RenewSqlFloor.run(args.get("registry-jdbc-url"), held, args.integer("pool", 20), warmup,
                                duration, out);
                    } catch (java.sql.SQLException e) {
                        // e.g. "too many clients" on a PostgreSQL shared with others: say so, keep the other figures
                        System.out.println("  SQL floor of RenewLease not measured: " + e.getMessage());
                    }
                }
            }
        }
        if (only.contains("baselines")) {
            CpuProbe.services(""); // no service in the baseline
            UpsertBaseline.run(args.get("baseline-jdbc-url"), requesters, args.integer("pool", 20), warmup, duration,
                    out);
            String registryDb = args.get("registry-jdbc-url", null);
            if (registryDb != null) {
                LeaseSqlFloor.run(registryDb, requesters, args.integer("pool", 20), warmup, duration, out);
            }
        }
    }

    /** Acquire (port 0) then release, closed loop; the latency of the acquire alone. */
    private static Result loop(List<TunnelRegistryGrpc.TunnelRegistryStub> async,
            IntFunction<AcquireLeaseRequest> acquire, int requesters, Duration warmup, Duration duration)
            throws Exception {
        return AsyncClosedLoop.run("AcquireLease (then release)", requesters, warmup, duration,
                (caller, iteration, done) -> {
                    long start = System.nanoTime();
                    AtomicReference<Lease> granted = new AtomicReference<>();
                    async.get(caller).acquireLease(acquire.apply(caller), Observers.of(failure -> {
                        long nanos = System.nanoTime() - start;
                        if (failure != null) {
                            done.finished(nanos, failure);
                            return;
                        }
                        Lease lease = granted.get();
                        async.get(caller).releaseLease(release(lease), Observers.of(
                                releaseFailure -> done.finished(nanos, releaseFailure), ignored -> { }));
                    }, (AcquireLeaseResponse response) -> granted.set(response.getLease())));
                });
    }

    /** One lease per requester, to renew. */
    private static List<Lease> hold(List<TunnelRegistryGrpc.TunnelRegistryBlockingStub> stubs,
            IntFunction<AcquireLeaseRequest> acquire, int requesters) {
        List<Lease> held = new ArrayList<>();
        for (int i = 0; i < requesters; i++) {
            held.add(stubs.get(i).acquireLease(acquire.apply(i)).getLease());
        }
        return held;
    }

    /** Each requester holds one lease and renews it (with traffic counters) as fast as it can. */
    private static Result renew(List<TunnelRegistryGrpc.TunnelRegistryStub> async, List<Lease> held, String label,
            Duration warmup, Duration duration) throws Exception {
        return AsyncClosedLoop.run(label, held.size(), warmup, duration, (caller, iteration, done) -> {
            Lease lease = held.get(caller);
            long start = System.nanoTime();
            async.get(caller).renewLease(RenewLeaseRequest.newBuilder()
                    .setAccountId(lease.getAccountId()).setPort(lease.getPort()).setEpoch(lease.getEpoch())
                    .setGatewayId(lease.getGatewayId())
                    .setCounters(TrafficCounters.newBuilder().setBytesIn(iteration * 1000)
                            .setBytesOut(iteration * 2000).setOpenConnections(1).setAgents(1)).build(),
                    Observers.of(failure -> done.finished(System.nanoTime() - start, failure), ignored -> { }));
        });
    }

    /**
     * A reconnect storm: every requester asks at the same instant (sent back to back from one thread), once; then all
     * release (not measured) and the next burst starts. Latency of each acquire from the common start. The first
     * {@link #WARMUP_BURSTS} are not measured (the other figures have their warm-up too).
     */
    private static Result burst(List<TunnelRegistryGrpc.TunnelRegistryStub> stubs,
            IntFunction<AcquireLeaseRequest> acquire, int bursts) throws Exception {
        int requesters = stubs.size();
        System.out.printf("  AcquireLease burst: %d requesters at once, %d bursts after %d unmeasured%n", requesters,
                bursts, WARMUP_BURSTS);
        Latencies latencies = new Latencies();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong releaseErrors = new AtomicLong();
        StringBuilder each = new StringBuilder();
        long begin = System.nanoTime();
        for (int b = -WARMUP_BURSTS; b < bursts; b++) {
            if (b == 0) {
                latencies = new Latencies();
                each.setLength(0);
                begin = System.nanoTime();
            }
            Latencies measured = latencies;
            CountDownLatch answered = new CountDownLatch(requesters);
            AtomicLong last = new AtomicLong();
            AtomicReferenceArray<Lease> leases = new AtomicReferenceArray<>(requesters);
            long start = System.nanoTime();
            for (int i = 0; i < requesters; i++) {
                int requester = i;
                stubs.get(i).acquireLease(acquire.apply(i), Observers.of(failure -> {
                    if (failure == null) {
                        long nanos = System.nanoTime() - start;
                        measured.add(nanos);
                        last.accumulateAndGet(nanos, Math::max);
                    } else {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, failure.toString());
                    }
                    answered.countDown();
                }, (AcquireLeaseResponse response) -> leases.set(requester, response.getLease())));
            }
            long sent = System.nanoTime() - start;
            if (!answered.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a burst was not answered within 60 s");
            }
            each.append(String.format(" %.1f (%.1f)", last.get() / 1e6, sent / 1e6));
            CountDownLatch released = new CountDownLatch(requesters);
            for (int i = 0; i < requesters; i++) {
                Lease lease = leases.get(i);
                if (lease == null) {
                    released.countDown();
                } else {
                    stubs.get(i).releaseLease(release(lease), Observers.of(failure -> {
                        if (failure != null) {
                            releaseErrors.incrementAndGet();
                        }
                        released.countDown();
                    }, ignored -> { }));
                }
            }
            if (!released.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a burst's releases were not answered within 60 s");
            }
        }
        System.out.println("    last answer of each burst, ms (sending took):" + each);
        if (releaseErrors.get() > 0) {
            System.out.printf("    %d releases between bursts failed (not measured)%n", releaseErrors.get());
        }
        return Result.of("AcquireLease bursts of " + requesters, latencies, errors.get(),
                (System.nanoTime() - begin) / 1e9, firstError.get(), CpuProbe.Usage.NONE);
    }

    /** Released through the gateway that holds it (the lease names it). */
    static ReleaseLeaseRequest release(Lease lease) {
        return ReleaseLeaseRequest.newBuilder().setAccountId(lease.getAccountId()).setPort(lease.getPort())
                .setEpoch(lease.getEpoch()).setGatewayId(lease.getGatewayId()).build();
    }

    /** As the gateway after validating the requester's key: with key-validator's receipt (reused, see there). */
    private static AcquireLeaseRequest acquire(String gatewayId, int requester, BenchReceipts receipts) {
        String account = "bench-account-" + requester;
        String apiKeyId = "bench-key-" + requester;
        return AcquireLeaseRequest.newBuilder().setAccountId(account).setPort(0)
                .setApiKeyId(apiKeyId).setGatewayId(gatewayId)
                .setAgentId("bench-agent-" + requester).setAgentHost("bench-host-" + requester)
                .setAgentVersion("bench").setReceipt(receipts.receipt(account, apiKeyId, gatewayId)).build();
    }
}
