package io.secureconnect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.testing.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Correctness under contention with real replicas: tunnel-registry processes (the packaged application) on one
 * fresh database, each committing its acquisitions and releases in batches (group commit; the tests check that
 * batches of more than one change did happen), which lock in (account, port) order so that two replicas' batches
 * cannot deadlock. Replicas a and b serve the contention test; replica c exists to be killed with SIGKILL while
 * acquisitions are in flight, so that neither test depends on the other having run.
 *
 * <p>key-validator: AcquireLease and ReleaseLease carry the api_key_id a gateway has already validated, so the
 * registry does not call key-validator on these paths. The replicas still get one to talk to, the same stand-in
 * the other tests of this module use ({@link TestKeyValidator}, a gRPC server of key-validator's contract: it is
 * another service, and the pair is tested together in the e2e suite), rather than a port that may be anybody's.
 */
class TwoRegistriesIT {

    static final int ACCOUNTS = 4;
    static final int NAMED_PORTS = 15;
    static final int ANY_PORT_CALLS = 20;
    static final String GATEWAY = "gw-it";

    static String database;
    static TestKeyValidator keyValidator;
    static RegistryProcess a;
    static RegistryProcess b;
    static RegistryProcess c;

    @BeforeAll
    static void startReplicas() throws Exception {
        database = LocalPostgres.createUniqueDatabase("registry_replicas");
        keyValidator = new TestKeyValidator();
        int keyValidatorPort = Integer.parseInt(keyValidator.start().get("quarkus.grpc.clients.keyvalidator.port"));
        // Started together: they race to migrate the empty database, as replicas of a new deployment would.
        a = RegistryProcess.start("a", database, keyValidatorPort);
        b = RegistryProcess.start("b", database, keyValidatorPort);
        c = RegistryProcess.start("c", database, keyValidatorPort);
        for (RegistryProcess replica : List.of(a, b, c)) {
            replica.awaitReady(Duration.ofSeconds(90));
        }
        a.registry().registerGateway(RegisterGatewayRequest.newBuilder().setGateway(Gateway.newBuilder()
                .setGatewayId(GATEWAY).setAgentEndpoint("gw.it:8443").setProxyHost("proxy.it").setVersion("it"))
                .build());
    }

    @AfterAll
    static void stopReplicas() throws Exception {
        for (RegistryProcess replica : new RegistryProcess[] {a, b, c}) {
            if (replica != null) {
                replica.close();
            }
        }
        if (keyValidator != null) {
            keyValidator.stop();
        }
        if (database != null) {
            LocalPostgres.dropDatabase(database);
        }
    }

    record Call(String account, int port, String apiKeyId, RegistryProcess replica) {
    }

    record Outcome(Call call, Lease lease, StatusRuntimeException failure) {
    }

    /**
     * 200 concurrent acquisitions, 50 from each of 4 accounts (pool 30000-30099): two keys for each of 15 named
     * ports at the top of the pool, their calls on different replicas, and 20 "any free port" calls (which take
     * the lowest free ports, so never a named one), alternating replicas.
     */
    @Test
    void twoReplicasGrantEachAccountPortAtMostOnceWithDistinctEpochsAndTheTableAgrees() throws Exception {
        List<Call> calls = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        for (int n = 0; n < ACCOUNTS; n++) {
            String account = Fixtures.account();
            accounts.add(account);
            for (int i = 0; i < NAMED_PORTS * 2; i++) {
                calls.add(new Call(account, 30099 - i / 2, "named-" + i, i % 2 == 0 ? a : b));
            }
            for (int i = 0; i < ANY_PORT_CALLS; i++) {
                calls.add(new Call(account, 0, "any-" + i, i % 2 == 0 ? b : a));
            }
        }
        assertEquals(200, calls.size());

        String before = a.metrics() + b.metrics();
        List<Outcome> outcomes = runAtOnce(calls);
        String after = a.metrics() + b.metrics();
        Fixtures.assertBatched(after);
        assertTrue(Fixtures.metric(after, "secureconnect_registry_lease_batch_size_sum")
                - Fixtures.metric(before, "secureconnect_registry_lease_batch_size_sum") >= 200,
                "every acquisition went through the group commit");

        Map<String, Map<Integer, Lease>> granted = ConcurrentGrants.check(outcomes.stream()
                .map(o -> new ConcurrentGrants.Answer(o.call.account, o.call.port, o.call.apiKeyId, o.lease, o.failure))
                .toList());
        Map<RegistryProcess, Integer> grantsBy = new HashMap<>();
        for (Outcome outcome : outcomes) {
            if (outcome.failure == null) {
                grantsBy.merge(outcome.call.replica, 1, Integer::sum);
            }
        }
        assertTrue(grantsBy.getOrDefault(a, 0) > 0 && grantsBy.getOrDefault(b, 0) > 0,
                "both replicas granted leases: " + grantsBy.size());
        for (String account : accounts) {
            Map<Integer, Lease> grants = granted.get(account);
            assertEquals(NAMED_PORTS + ANY_PORT_CALLS, grants.size(),
                    account + ": one grant per named port and per any-port call");
            assertEquals(rows(grants), liveRows(account),
                    "the live leases of " + account + " are exactly the grants");
        }
        assertConsistent(accounts);
    }

    /**
     * Acquire/release loops on replicas a and c (10 requesters each, "any free port" of 4 shared accounts), then
     * kill -9 c while its calls are in flight. Every call c could not answer fails with UNAVAILABLE; its requester
     * repeats it on a (acquire: the same key and agent resume the port c may have granted; release: idempotent),
     * a serves throughout without one error, and afterwards the tables hold exactly the leases the requesters
     * know, with every lease, event and tunnel row consistent.
     */
    @Test
    void killingAReplicaMidRunLeavesNothingHalfWrittenAndTheSurvivorServesTheRetries() throws Exception {
        List<String> accounts = new ArrayList<>();
        for (int n = 0; n < ACCOUNTS; n++) {
            accounts.add(Fixtures.account());
        }
        int perReplica = 10;
        CountDownLatch killed = new CountDownLatch(1);
        CountDownLatch drained = new CountDownLatch(1);
        CountDownLatch enoughOnC = new CountDownLatch(40);
        long[] killedAt = new long[1];
        ConcurrentLinkedQueue<String> errorsOnA = new ConcurrentLinkedQueue<>();
        List<Requester> requesters = new ArrayList<>();
        for (int i = 0; i < perReplica * 2; i++) {
            requesters.add(new Requester(accounts.get(i % ACCOUNTS), "kill-key-" + i, i % 2 == 0 ? c : a));
        }

        ExecutorService pool = Executors.newFixedThreadPool(requesters.size());
        List<Future<?>> running = new ArrayList<>();
        try {
            for (Requester requester : requesters) {
                running.add(pool.submit(() -> {
                    requester.loop(killed, drained, enoughOnC, errorsOnA);
                    return null;
                }));
            }
            assertTrue(enoughOnC.await(60, TimeUnit.SECONDS), "replica c answered 40 calls");
            assertTrue(sessions(c.applicationName()) > 0, "replica c's database sessions are visible by name");
            killedAt[0] = System.nanoTime();
            c.kill();
            killed.countDown();
            awaitSessionsGone(c.applicationName(), Duration.ofSeconds(15));
            drained.countDown();
            for (Future<?> future : running) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            killed.countDown();
            drained.countDown();
            pool.shutdownNow();
        }

        assertTrue(errorsOnA.isEmpty(), "the surviving replica failed calls: " + errorsOnA);
        Fixtures.assertBatched(a.metrics());
        List<Requester> onC = requesters.stream().filter(r -> r.failure != null).toList();
        assertEquals(perReplica, onC.size(), "every requester of the killed replica saw its failure");
        for (Requester requester : onC) {
            assertEquals(Status.Code.UNAVAILABLE, requester.failure.getStatus().getCode(),
                    requester.failure.getStatus().toString());
            assertTrue(requester.failedAt >= killedAt[0], requester.apiKeyId + " failed before the kill");
        }
        assertTrue(onC.stream().anyMatch(r -> r.failedStartedAt < killedAt[0]),
                "at least one call was in flight on the replica when it was killed");
        StatusRuntimeException afterwards = assertThrows(StatusRuntimeException.class, () -> c.registry()
                .withDeadlineAfter(5, TimeUnit.SECONDS).acquireLease(Requester.acquire(accounts.get(0), "late-key", 0)));
        assertEquals(Status.Code.UNAVAILABLE, afterwards.getStatus().getCode(), afterwards.getStatus().toString());
        for (Requester requester : requesters) {
            assertTrue(requester.grantsAfterKill > 0, requester.apiKeyId + " was served by the survivor after the kill");
        }

        Set<Long> epochs = new HashSet<>();
        Map<Integer, Lease> held = new HashMap<>();
        for (Requester requester : requesters) {
            for (Lease lease : requester.grants) {
                assertTrue(epochs.add(lease.getEpoch()), "epoch granted twice: " + lease.getEpoch());
            }
            assertNotNull(requester.holding, requester.apiKeyId + " ends holding a lease");
        }
        for (String account : accounts) {
            List<Lease> holding = requesters.stream().filter(r -> r.account.equals(account)).map(r -> r.holding)
                    .toList();
            held.clear();
            holding.forEach(lease -> held.put(lease.getPort(), lease));
            assertEquals(holding.size(), held.size(), "two requesters of " + account + " hold the same port");
            assertEquals(rows(held), liveRows(account),
                    "the live leases of " + account + " are exactly those the requesters hold");
        }
        assertConsistent(accounts);
    }

    /**
     * A gateway-like requester: acquire (any free port), release, again, until told to stop. When its replica
     * dies it waits until the replica's database sessions are gone (whatever they were running has committed or
     * rolled back), then repeats the failed call on replica a and carries on there.
     */
    static final class Requester {
        final String account;
        final String apiKeyId;
        RegistryProcess replica;
        final List<Lease> grants = new ArrayList<>();
        Lease holding;
        StatusRuntimeException failure;
        long failedStartedAt;
        long failedAt;
        int grantsAfterKill;

        Requester(String account, String apiKeyId, RegistryProcess replica) {
            this.account = account;
            this.apiKeyId = apiKeyId;
            this.replica = replica;
        }

        static AcquireLeaseRequest acquire(String account, String apiKeyId, int port) {
            return Receipts.receipted(AcquireLeaseRequest.newBuilder().setAccountId(account).setPort(port)
                    .setApiKeyId(apiKeyId).setGatewayId(GATEWAY).setAgentId("agent-" + apiKeyId)
                    .setAgentHost("host-" + apiKeyId).setAgentVersion("it"));
        }

        void loop(CountDownLatch killed, CountDownLatch drained, CountDownLatch enoughOnC,
                ConcurrentLinkedQueue<String> errorsOnA) throws InterruptedException {
            int afterKill = 0;
            while (afterKill < 10) {
                if (killed.getCount() == 0) {
                    afterKill++;
                }
                boolean last = afterKill == 10;
                if (!call(() -> holding = granted(replica.registry().acquireLease(acquire(account, apiKeyId, 0))
                        .getLease(), killed), drained, errorsOnA)) {
                    return;
                }
                if (replica == c) {
                    enoughOnC.countDown();
                }
                if (last) {
                    return; // ends holding its last grant
                }
                Lease lease = holding;
                if (!call(() -> replica.registry().releaseLease(ReleaseLeaseRequest.newBuilder()
                        .setAccountId(account).setPort(lease.getPort()).setEpoch(lease.getEpoch())
                        .setGatewayId(GATEWAY).build()), drained, errorsOnA)) {
                    return;
                }
                holding = null;
            }
        }

        private Lease granted(Lease lease, CountDownLatch killed) {
            grants.add(lease);
            if (killed.getCount() == 0) {
                grantsAfterKill++;
            }
            return lease;
        }

        /** Runs the call, and once more on replica a if its replica died; false when it must stop. */
        private boolean call(Runnable call, CountDownLatch drained, ConcurrentLinkedQueue<String> errorsOnA)
                throws InterruptedException {
            long started = System.nanoTime();
            try {
                call.run();
                return true;
            } catch (StatusRuntimeException e) {
                if (replica == a || failure != null) {
                    errorsOnA.add(apiKeyId + ": " + e.getStatus());
                    return false;
                }
                failure = e;
                failedStartedAt = started;
                failedAt = System.nanoTime();
            }
            if (!drained.await(30, TimeUnit.SECONDS)) {
                return false;
            }
            replica = a;
            try {
                call.run();
                return true;
            } catch (StatusRuntimeException e) {
                errorsOnA.add(apiKeyId + " (retry): " + e.getStatus());
                return false;
            }
        }
    }

    /** Every call at the same instant, each on its own thread; the outcome of each. */
    static List<Outcome> runAtOnce(List<Call> calls) throws Exception {
        return ConcurrentGrants.atOnce(calls, call -> {
            try {
                return new Outcome(call, call.replica.registry()
                        .acquireLease(Requester.acquire(call.account, call.apiKeyId, call.port)).getLease(), null);
            } catch (StatusRuntimeException e) {
                return new Outcome(call, null, e);
            }
        });
    }

    static Connection db() throws SQLException {
        return DriverManager.getConnection(LocalPostgres.jdbcUrl(database), LocalPostgres.user(),
                LocalPostgres.password());
    }

    static void assertConsistent(List<String> accounts) throws SQLException {
        try (Connection c = db()) {
            List<String> violations = LeaseInvariants.violations(c, accounts);
            assertTrue(violations.isEmpty(), "half-written lease changes:\n" + String.join("\n", violations));
        }
    }

    /** port -> "epoch key tunnel" of the grants. */
    static Map<Integer, String> rows(Map<Integer, Lease> grants) {
        Map<Integer, String> leases = new HashMap<>();
        grants.forEach((port, lease) -> leases.put(port,
                lease.getEpoch() + " " + lease.getApiKeyId() + " " + lease.getTunnelId()));
        return leases;
    }

    /** port -> "epoch key tunnel" of the LIVE lease rows of the account. */
    static Map<Integer, String> liveRows(String account) throws SQLException {
        Map<Integer, String> leases = new HashMap<>();
        try (Connection c = db(); PreparedStatement s = c.prepareStatement("SELECT port, epoch || ' ' || api_key_id"
                + " || ' ' || tunnel_id FROM lease WHERE account_id = ? AND state = 'LIVE'")) {
            s.setString(1, account);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    leases.put(rs.getInt(1), rs.getString(2));
                }
            }
        }
        return leases;
    }

    static long sessions(String applicationName) throws SQLException {
        try (Connection c = db(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, applicationName);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Waits until PostgreSQL has no session of that application left (a killed replica's are cut). */
    static void awaitSessionsGone(String applicationName, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sessions(applicationName) > 0) {
            assertFalse(System.nanoTime() > deadline, "sessions of " + applicationName + " still open after " + timeout);
            Thread.sleep(50);
        }
    }
}
