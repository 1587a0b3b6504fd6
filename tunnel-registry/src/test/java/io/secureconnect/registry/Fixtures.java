package io.secureconnect.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.testing.IdentityResource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.function.Executable;

/** Shared test helpers: a real gRPC client of the running registry, unique names, and SQL checks. */
public final class Fixtures {

    private static final ConcurrentHashMap<Integer, IdentityRoutingChannel> CHANNELS = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    /**
     * A TLS channel to the registry under test's gRPC port on which each call presents the certificate of the gateway
     * its request names ({@link IdentityRoutingChannel}).
     */
    public static Channel channel() {
        return CHANNELS.computeIfAbsent(IdentityResource.grpcPort(), IdentityRoutingChannel::new);
    }

    /** A TLS channel to the registry under test as one identity, e.g. {@code runner/ci} or {@code gateway/gw-1}. */
    public static ManagedChannel as(String peer) {
        return CHANNELS.computeIfAbsent(IdentityResource.grpcPort(), IdentityRoutingChannel::new).as(peer);
    }

    public static TunnelRegistryGrpc.TunnelRegistryBlockingStub registry() {
        return TunnelRegistryGrpc.newBlockingStub(channel()).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** An account id no other test uses. */
    public static String account() {
        return "acct_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    }

    /** Registers a new gateway and returns its id. */
    public static String gateway() {
        String id = unique("gw");
        registry().registerGateway(RegisterGatewayRequest.newBuilder().setGateway(Gateway.newBuilder()
                .setGatewayId(id).setAgentEndpoint("gw.test:8443").setProxyHost("proxy.test").setVersion("1.0"))
                .build());
        return id;
    }

    /** As a gateway that validated the key: the request carries a genuine lease receipt ({@link Receipts}). */
    public static AcquireLeaseResponse acquire(String account, int port, String apiKeyId, String gatewayId) {
        return registry().acquireLease(Receipts.receipted(AcquireLeaseRequest.newBuilder().setAccountId(account)
                .setPort(port).setApiKeyId(apiKeyId).setGatewayId(gatewayId).setAgentId("agent-" + apiKeyId)
                .setAgentHost("host-" + apiKeyId).setAgentVersion("agent 1.2")));
    }

    /** Asserts the call fails with this status and secureconnect-reason, and returns the failure. */
    public static StatusRuntimeException fails(Status.Code code, String reason, Executable call) {
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, failure.getStatus().getCode(), failure.getStatus().getDescription());
        assertEquals(reason, GrpcFailure.reason(failure).orElse(null), failure.getStatus().getDescription());
        return failure;
    }

    /** One number from SQL, e.g. a count. */
    public static long number(DataSource dataSource, String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Changes rows directly, to stand in for the passage of time (e.g. backdating a lease's expiry). */
    public static int execute(DataSource dataSource, String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sum of every sample of a metric in a Prometheus text exposition (e.g. {@code /q/metrics}); 0 if absent. */
    public static double metric(String exposition, String name) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /**
     * Asserts that the lease batches this exposition counts held more than one change on average: the group commit
     * did batch (it would also be correct, and slower, with one change per transaction).
     */
    public static void assertBatched(String exposition) {
        double batches = metric(exposition, "secureconnect_registry_lease_batch_size_count");
        double changes = metric(exposition, "secureconnect_registry_lease_batch_size_sum");
        assertTrue(batches > 0 && changes > batches, "lease changes " + changes + " in " + batches + " batches");
    }

    /** Moves a lease's expiry into the past by this many seconds (as if nobody renewed it). */
    public static void expire(DataSource dataSource, String account, int port, int secondsAgo) {
        assertEquals(1, execute(dataSource, "UPDATE lease SET expires_at = now() - make_interval(secs => ?)"
                + " WHERE account_id = ? AND port = ?", (double) secondsAgo, account, port));
    }
}
