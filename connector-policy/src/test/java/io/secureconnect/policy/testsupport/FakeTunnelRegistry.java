package io.secureconnect.policy.testsupport;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.FindTunnelsRequest;
import io.secureconnect.proto.tunnelregistry.v1.FindTunnelsResponse;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayResponse;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.Tunnel;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.proto.tunnelregistry.v1.TunnelStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * tunnel-registry is another service of ours, not part of this module: this in-test server speaks its real gRPC
 * contract (RegisterGateway, AcquireLease, ReleaseLease, FindTunnels) over a real channel. The real pairing is
 * covered by the e2e suite. Tests drive it through that same contract, as a gateway would (see {@link Tunnels}),
 * so no state is shared with the test's class loader; it keeps tunnels in memory, which is all a fake needs.
 */
public class FakeTunnelRegistry extends TunnelRegistryGrpc.TunnelRegistryImplBase {

    /** The registry's default pool, which this fake enforces in FindTunnels as the real one does. */
    static final int POOL_FIRST = 30000;
    static final int POOL_LAST = 30099;

    private final Map<String, Gateway> gateways = new ConcurrentHashMap<>();
    private final Map<String, Tunnel> tunnels = new ConcurrentHashMap<>();
    public final AtomicInteger findCalls = new AtomicInteger();

    @Override
    public void registerGateway(RegisterGatewayRequest request, StreamObserver<RegisterGatewayResponse> responses) {
        gateways.put(request.getGateway().getGatewayId(), request.getGateway());
        responses.onNext(RegisterGatewayResponse.getDefaultInstance());
        responses.onCompleted();
    }

    @Override
    public void acquireLease(AcquireLeaseRequest request, StreamObserver<AcquireLeaseResponse> responses) {
        if (request.getReceipt().isEmpty()) {
            responses.onError(GrpcFailure.of(Status.Code.PERMISSION_DENIED, "LEASE_RECEIPT_MISSING",
                    "AcquireLease needs key-validator's lease receipt"));
            return;
        }
        Timestamp now = now();
        Tunnel tunnel = Tunnel.newBuilder().setTunnelId(UUID.randomUUID().toString())
                .setAccountId(request.getAccountId()).setPort(request.getPort())
                .setStatus(TunnelStatus.TUNNEL_STATUS_CONNECTED)
                .setGateway(gateways.getOrDefault(request.getGatewayId(), Gateway.getDefaultInstance()))
                .setConnectedSince(now).setLastHeartbeat(now).build();
        tunnels.put(key(request.getAccountId(), request.getPort()), tunnel);
        responses.onNext(AcquireLeaseResponse.newBuilder().setLease(Lease.newBuilder()
                .setAccountId(request.getAccountId()).setPort(request.getPort()).setTunnelId(tunnel.getTunnelId())
                .setGatewayId(request.getGatewayId()).setEpoch(1).setAcquiredAt(now)).build());
        responses.onCompleted();
    }

    @Override
    public void releaseLease(ReleaseLeaseRequest request, StreamObserver<ReleaseLeaseResponse> responses) {
        Tunnel released = tunnels.computeIfPresent(key(request.getAccountId(), request.getPort()),
                (key, tunnel) -> tunnel.toBuilder().setStatus(TunnelStatus.TUNNEL_STATUS_DISCONNECTED)
                        .setDisconnectedSince(now()).build());
        responses.onNext(ReleaseLeaseResponse.newBuilder().setReleased(released != null).build());
        responses.onCompleted();
    }

    @Override
    public void findTunnels(FindTunnelsRequest request, StreamObserver<FindTunnelsResponse> responses) {
        findCalls.incrementAndGet();
        if (request.getPort() != 0 && (request.getPort() < POOL_FIRST || request.getPort() > POOL_LAST)) {
            // What the real registry answers for a port outside its pool (secureconnect.registry.ports.first/last).
            responses.onError(GrpcFailure.of(Status.Code.INVALID_ARGUMENT, "PORT_OUT_OF_RANGE", "port "
                    + request.getPort() + " must be an integer from " + POOL_FIRST + " to " + POOL_LAST,
                    Map.of("field", "port", "port", String.valueOf(request.getPort()),
                            "first", String.valueOf(POOL_FIRST), "last", String.valueOf(POOL_LAST))));
            return;
        }
        FindTunnelsResponse.Builder found = FindTunnelsResponse.newBuilder();
        tunnels.values().stream()
                .filter(tunnel -> tunnel.getAccountId().equals(request.getAccountId()))
                .filter(tunnel -> request.getPort() == 0 || tunnel.getPort() == request.getPort())
                .sorted(Comparator.comparingInt(Tunnel::getPort))
                .forEach(found::addTunnels);
        responses.onNext(found.build());
        responses.onCompleted();
    }

    private static String key(String account, int port) {
        return account + "/" + port;
    }

    private static Timestamp now() {
        Instant now = Instant.now();
        return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
    }
}
