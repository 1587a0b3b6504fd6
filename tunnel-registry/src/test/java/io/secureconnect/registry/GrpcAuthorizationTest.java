package io.secureconnect.registry;

import static io.secureconnect.registry.Fixtures.acquire;
import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.number;
import static io.secureconnect.registry.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.FindTunnelsRequest;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.proto.tunnelregistry.v1.WatchLeaseEventsRequest;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;
import io.secureconnect.testing.TestPki;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may call tunnel-registry's gRPC methods, tried over real TLS connections by every kind of caller, and that a
 * refused call changed nothing (read back from the database): the README's security model, row by row. The victim
 * is gateway B, registered and holding a live lease; the callers try to act on B's account, port and lease.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class GrpcAuthorizationTest {

    @Inject
    DataSource db;

    /** The victim: a registered gateway and its live lease. */
    record Victim(String gateway, String account, Lease lease) {
    }

    /** One gRPC method, called with the victim's ids. */
    enum Call {
        REGISTER_GATEWAY(true, (stub, v) -> stub.registerGateway(RegisterGatewayRequest.newBuilder().setGateway(
                Gateway.newBuilder().setGatewayId(v.gateway()).setAgentEndpoint("evil.test:8443")
                        .setProxyHost("evil.test")).build())),
        HEARTBEAT_GATEWAY(true, (stub, v) -> stub.heartbeatGateway(HeartbeatGatewayRequest.newBuilder()
                .setGatewayId(v.gateway()).build())),
        ACQUIRE_LEASE(true, (stub, v) -> stub.acquireLease(AcquireLeaseRequest.newBuilder()
                .setAccountId(v.account()).setPort(0).setApiKeyId("made_up").setGatewayId(v.gateway())
                .setAgentId("evil").build())),
        RENEW_LEASE(true, (stub, v) -> stub.renewLease(RenewLeaseRequest.newBuilder().setAccountId(v.account())
                .setPort(v.lease().getPort()).setEpoch(v.lease().getEpoch()).setGatewayId(v.gateway()).build())),
        RELEASE_LEASE(true, (stub, v) -> stub.releaseLease(ReleaseLeaseRequest.newBuilder()
                .setAccountId(v.account()).setPort(v.lease().getPort()).setEpoch(v.lease().getEpoch())
                .setGatewayId(v.gateway()).build())),
        WATCH_LEASE_EVENTS(true, (stub, v) -> stub.watchLeaseEvents(WatchLeaseEventsRequest.newBuilder()
                .setGatewayId(v.gateway()).build()).hasNext()),
        FIND_TUNNELS(false, (stub, v) -> stub.findTunnels(FindTunnelsRequest.newBuilder()
                .setAccountId(v.account()).build()));

        final boolean gatewayMethod;
        final java.util.function.BiConsumer<TunnelRegistryGrpc.TunnelRegistryBlockingStub, Victim> call;

        Call(boolean gatewayMethod,
                java.util.function.BiConsumer<TunnelRegistryGrpc.TunnelRegistryBlockingStub, Victim> call) {
            this.gatewayMethod = gatewayMethod;
            this.call = call;
        }
    }

    record Caller(String name, Function<Integer, ManagedChannel> channel, Function<Call, String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> strangers() {
        List<Caller> callers = List.of(
                new Caller("an anonymous TLS client", TestChannels::anonymous, call -> "UNAUTHENTICATED/NO_CREDENTIALS"),
                new Caller("a plaintext client", TestChannels::plaintext, call -> "UNAVAILABLE/"),
                new Caller("a certificate of another CA naming gateway B",
                        port -> TestChannels.withIdentity(TestPki.stranger().identity("gateway/gw-victim"), port),
                        call -> "UNAVAILABLE/"),
                new Caller("a certificate that names no identity",
                        port -> TestChannels.withIdentity(TestPki.shared().anonymous(), port),
                        call -> "UNAUTHENTICATED/NO_IDENTITY"),
                new Caller("gateway A acting as gateway B", port -> TestChannels.as("gateway/gw-attacker", port),
                        call -> call.gatewayMethod ? "PERMISSION_DENIED/GATEWAY_MISMATCH"
                                : "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                new Caller("a runner", port -> TestChannels.as("runner/ci-fleet", port),
                        call -> "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                new Caller("key-validator's identity", port -> TestChannels.as("service/key-validator", port),
                        call -> "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                new Caller("connector-policy on a gateway's method",
                        port -> TestChannels.as("service/connector-policy", port),
                        call -> call.gatewayMethod ? "PERMISSION_DENIED/METHOD_NOT_ALLOWED" : "OK"));
        return callers.stream().flatMap(caller -> Stream.of(Call.values()).map(call -> Arguments.of(caller, call)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("strangers")
    void nobodyButTheGatewayItselfActsForIt(Caller caller, Call call) throws InterruptedException {
        Victim victim = victim();
        String before = state(victim);
        ManagedChannel channel = caller.channel().apply(IdentityResource.grpcPort());
        try {
            String outcome;
            try {
                call.call.accept(TunnelRegistryGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS),
                        victim);
                outcome = "OK";
            } catch (StatusRuntimeException e) {
                outcome = e.getStatus().getCode() + "/" + GrpcFailure.reason(e).orElse("");
            }
            assertEquals(caller.expected().apply(call), outcome);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertEquals(before, state(victim), "nothing of gateway B, its account or its lease changed");
    }

    @Test
    void aGatewayAsItselfLeasesNothingForAKeyItDidNotValidate() throws InterruptedException {
        Victim victim = victim();
        String before = state(victim);
        String attacker = gateway();
        ManagedChannel channel = Fixtures.as("gateway/" + attacker);
        TunnelRegistryGrpc.TunnelRegistryBlockingStub stub = TunnelRegistryGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        AcquireLeaseRequest.Builder madeUp = AcquireLeaseRequest.newBuilder().setAccountId(victim.account())
                .setPort(0).setApiKeyId("made_up").setGatewayId(attacker).setAgentId("evil");
        Fixtures.fails(Status.Code.PERMISSION_DENIED, "LEASE_RECEIPT_MISSING", () -> stub.acquireLease(madeUp.build()));
        Fixtures.fails(Status.Code.PERMISSION_DENIED, "LEASE_RECEIPT_MISMATCH", () -> stub.acquireLease(madeUp
                .setReceipt(Receipts.valid(account(), "its_own_key", attacker).toByteString()).build()));
        assertEquals(before, state(victim), "nothing of the victim's account changed");
    }

    @Test
    void theGatewayItselfRenewsAndReleasesItsLease() {
        Victim victim = victim();
        ManagedChannel own = Fixtures.as("gateway/" + victim.gateway());
        TunnelRegistryGrpc.TunnelRegistryBlockingStub stub = TunnelRegistryGrpc.newBlockingStub(own)
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        Call.RENEW_LEASE.call.accept(stub, victim);
        Call.RELEASE_LEASE.call.accept(stub, victim);
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ? AND state = 'LIVE'",
                victim.account()));
    }

    private Victim victim() {
        String gateway = gateway();
        String account = account();
        Lease lease = acquire(account, 0, unique("key"), gateway).getLease();
        return new Victim(gateway, account, lease);
    }

    /** Everything a refused call could have changed, as one string. */
    private String state(Victim victim) {
        return String.join("|",
                String.valueOf(number(db, "SELECT count(*) FROM gateway WHERE gateway_id = ? AND proxy_host = "
                        + "'proxy.test' AND agent_endpoint = 'gw.test:8443'", victim.gateway())),
                String.valueOf(number(db, "SELECT count(*) FROM lease WHERE account_id = ?", victim.account())),
                String.valueOf(number(db, "SELECT count(*) FROM lease WHERE account_id = ? AND port = ? AND epoch = ?"
                        + " AND state = 'LIVE' AND gateway_id = ?", victim.account(), victim.lease().getPort(),
                        victim.lease().getEpoch(), victim.gateway())),
                String.valueOf(number(db, "SELECT count(*) FROM lease_event WHERE account_id = ?", victim.account())),
                String.valueOf(number(db, "SELECT count(*) FROM gateway WHERE gateway_id = 'gw-attacker'")),
                String.valueOf(number(db, "SELECT (extract(epoch FROM expires_at) * 1000000)::bigint FROM gateway"
                        + " WHERE gateway_id = ?", victim.gateway())),
                String.valueOf(number(db, "SELECT (extract(epoch FROM max(expires_at)) * 1000000)::bigint FROM lease"
                        + " WHERE account_id = ?", victim.account())));
    }
}
