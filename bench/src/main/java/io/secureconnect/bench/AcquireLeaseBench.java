package io.secureconnect.bench;

import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.TrafficCounters;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * tunnel-registry leases with {@code --requesters} (default 100) concurrent requesters, each its own account and
 * API key so that every grant succeeds: (1) acquire (port 0: lowest free port) then release, closed loop, latency
 * of the acquire alone; (1b) bursts: all requesters at the same instant, once each (a reconnect storm);
 * (1c) with {@code --acquire-rate}: acquisitions at that fixed rate spread over the requesters ({@link PacedAcquire});
 * (2) each requester holds one lease and renews it with traffic counters as fast as it can.
 * Then the baseline on the same PostgreSQL ({@link UpsertBaseline}), and with {@code --registry-jdbc-url} the
 * registry's own SQL without the service ({@link LeaseSqlFloor}).
 */
public final class AcquireLeaseBench {

    private AcquireLeaseBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        CpuProbe.services(args.get("pids", ""));
        int requesters = args.integer("requesters", 100);
        Duration warmup = args.seconds("warmup", 10);
        Duration duration = args.seconds("duration", 20);
        String out = args.get("out", null);
        try (Channels channels = new Channels(args.get("registry"), args.integer("channels", 4));
                GatewayKeeper gateway = new GatewayKeeper(channels.get(0))) {
            List<TunnelRegistryGrpc.TunnelRegistryBlockingStub> stubs = new ArrayList<>();
            for (int i = 0; i < requesters; i++) {
                stubs.add(TunnelRegistryGrpc.newBlockingStub(channels.get(i)));
            }
            Result acquire = ClosedLoop.run("AcquireLease (then release)", requesters, warmup, duration,
                    (caller, iteration) -> {
                        long start = System.nanoTime();
                        Lease lease = stubs.get(caller).acquireLease(acquire(caller)).getLease();
                        long nanos = System.nanoTime() - start;
                        stubs.get(caller).releaseLease(ReleaseLeaseRequest.newBuilder()
                                .setAccountId(lease.getAccountId()).setPort(lease.getPort()).setEpoch(lease.getEpoch())
                                .setGatewayId(GatewayKeeper.GATEWAY_ID).build());
                        return nanos;
                    });
            acquire.report(out);

            burst(stubs, args.integer("bursts", 20)).report(out);

            int rate = args.integer("acquire-rate", 0);
            if (rate > 0) {
                List<TunnelRegistryGrpc.TunnelRegistryStub> async = new ArrayList<>();
                for (int i = 0; i < requesters; i++) {
                    async.add(TunnelRegistryGrpc.newStub(channels.get(i)));
                }
                PacedAcquire.run(async, AcquireLeaseBench::acquire, GatewayKeeper.GATEWAY_ID, rate, warmup, duration,
                        out).report(out);
            }

            List<Lease> held = new ArrayList<>();
            for (int i = 0; i < requesters; i++) {
                held.add(stubs.get(i).acquireLease(acquire(i)).getLease());
            }
            Result renew = ClosedLoop.run("RenewLease", requesters, warmup, duration, (caller, iteration) -> {
                Lease lease = held.get(caller);
                return ClosedLoop.timed(() -> stubs.get(caller).renewLease(RenewLeaseRequest.newBuilder()
                        .setAccountId(lease.getAccountId()).setPort(lease.getPort()).setEpoch(lease.getEpoch())
                        .setGatewayId(GatewayKeeper.GATEWAY_ID)
                        .setCounters(TrafficCounters.newBuilder().setBytesIn(iteration * 1000)
                                .setBytesOut(iteration * 2000).setOpenConnections(1).setAgents(1)).build()));
            });
            renew.report(out);
        }
        CpuProbe.services(""); // no service in the baseline
        UpsertBaseline.run(args.get("baseline-jdbc-url"), requesters, args.integer("pool", 20), warmup, duration, out);
        String registryDb = args.get("registry-jdbc-url", null);
        if (registryDb != null) {
            LeaseSqlFloor.run(registryDb, requesters, args.integer("pool", 20), warmup, duration, out);
        }
    }

    /**
     * A reconnect storm: every requester asks at the same instant (all held at a latch), once; then all release
     * (not measured) and the next burst starts. Latency of each acquire from the common start.
     */
    private static Result burst(List<TunnelRegistryGrpc.TunnelRegistryBlockingStub> stubs, int bursts)
            throws Exception {
        int requesters = stubs.size();
        System.out.printf("  AcquireLease burst: %d requesters at once, %d bursts%n", requesters, bursts);
        Latencies latencies = new Latencies();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(requesters);
        long begin = System.nanoTime();
        try {
            for (int b = 0; b < bursts; b++) {
                CountDownLatch ready = new CountDownLatch(requesters);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Lease>> leases = new ArrayList<>();
                for (int i = 0; i < requesters; i++) {
                    int requester = i;
                    leases.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        long start = System.nanoTime();
                        Lease lease = stubs.get(requester).acquireLease(acquire(requester)).getLease();
                        latencies.add(System.nanoTime() - start);
                        return lease;
                    }));
                }
                ready.await();
                go.countDown();
                for (int i = 0; i < requesters; i++) {
                    try {
                        Lease lease = leases.get(i).get();
                        stubs.get(i).releaseLease(ReleaseLeaseRequest.newBuilder().setAccountId(lease.getAccountId())
                                .setPort(lease.getPort()).setEpoch(lease.getEpoch())
                                .setGatewayId(GatewayKeeper.GATEWAY_ID).build());
                    } catch (ExecutionException e) {
                        errors.incrementAndGet();
                        firstError.compareAndSet(null, e.getCause().toString());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return Result.of("AcquireLease bursts of " + requesters, latencies, errors.get(),
                (System.nanoTime() - begin) / 1e9, firstError.get(), CpuProbe.Usage.NONE);
    }

    private static AcquireLeaseRequest acquire(int requester) {
        return AcquireLeaseRequest.newBuilder().setAccountId("bench-account-" + requester).setPort(0)
                .setApiKeyId("bench-key-" + requester).setGatewayId(GatewayKeeper.GATEWAY_ID)
                .setAgentId("bench-agent-" + requester).setAgentHost("bench-host-" + requester)
                .setAgentVersion("bench").build();
    }
}
