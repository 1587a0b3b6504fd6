package io.secureconnect.gateway.support;

import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.receipt.ReceiptVerifier;
import io.secureconnect.common.receipt.SignedClaims;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayResponse;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEvent;
import io.secureconnect.proto.tunnelregistry.v1.LeaseEventType;
import io.secureconnect.proto.tunnelregistry.v1.PortRange;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayResponse;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseResponse;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.proto.tunnelregistry.v1.WatchLeaseEventsRequest;
import io.secureconnect.testing.TestPki;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * tunnel-registry as the gateway sees it over gRPC: leases per (account, port) held by one API key, an epoch that
 * grows per acquisition, PORT_HELD, LEASE_LOST on demand and force-release events; an acquisition needs a lease receipt
 * as the registry checks it (PERMISSION_DENIED LEASE_RECEIPT_*). tunnel-registry is another service
 * of ours (with its own PostgreSQL-backed tests); this in-test fake keeps the gateway's tests about the gateway. The
 * real pairing is covered by the e2e suite.
 */
public class FakeRegistry extends TunnelRegistryGrpc.TunnelRegistryImplBase {

    public static final long LEASE_TTL_SECONDS = 3;

    record Key(String accountId, int port) {
    }

    private final Map<Key, Lease> leases = new ConcurrentHashMap<>();
    private final Map<Key, String> lastHolder = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();
    private final Set<String> lostAccounts = ConcurrentHashMap.newKeySet();
    private final List<StreamObserver<LeaseEvent>> watchers = new CopyOnWriteArrayList<>();
    private final List<ReleaseLeaseRequest> releases = new CopyOnWriteArrayList<>();
    private final List<RenewLeaseRequest> renewals = new CopyOnWriteArrayList<>();
    private final List<AcquireLeaseRequest> acquisitions = new CopyOnWriteArrayList<>();
    private final ReceiptVerifier verifier = ReceiptVerifier.fromIdentity(
            TestPki.shared().identity("service/tunnel-registry"));
    private final Set<String> gateways = ConcurrentHashMap.newKeySet();
    private volatile boolean down;
    private volatile PortRange pool = pool(30000, 30099);

    public void down(boolean down) {
        this.down = down;
    }

    /** The pool this registry names (default 30000-30099) and enforces; gateways learn it from the next heartbeat. */
    public void pool(PortRange pool) {
        this.pool = pool;
    }

    public static PortRange pool(int first, int last) {
        return PortRange.newBuilder().setFirst(first).setLast(last).build();
    }

    /** From now on, renewals of this account's leases fail with LEASE_LOST. */
    public void loseLeasesOf(String accountId) {
        lostAccounts.add(accountId);
    }

    public Lease lease(String accountId, int port) {
        return leases.get(new Key(accountId, port));
    }

    public List<ReleaseLeaseRequest> releases() {
        return releases;
    }

    /** Every AcquireLease this fake granted, with its receipt. */
    public List<AcquireLeaseRequest> acquisitions() {
        return acquisitions;
    }

    public List<RenewLeaseRequest> renewals() {
        return renewals;
    }

    public int watchers() {
        return watchers.size();
    }

    public boolean knows(String gatewayId) {
        return gateways.contains(gatewayId);
    }

    /** What the registry's REST force-release does: drop the lease and tell the serving gateway. */
    public void forceRelease(String accountId, int port) {
        Lease lease = leases.remove(new Key(accountId, port));
        if (lease == null) {
            throw new IllegalStateException("no lease for " + accountId + "/" + port);
        }
        LeaseEvent event = LeaseEvent.newBuilder().setType(LeaseEventType.LEASE_EVENT_TYPE_FORCE_RELEASED)
                .setLease(lease).build();
        for (StreamObserver<LeaseEvent> watcher : watchers) {
            synchronized (watcher) {
                watcher.onNext(event);
            }
        }
    }

    @Override
    public void registerGateway(RegisterGatewayRequest request, StreamObserver<RegisterGatewayResponse> responses) {
        gateways.add(request.getGateway().getGatewayId());
        responses.onNext(RegisterGatewayResponse.newBuilder()
                .setHeartbeatInterval(Duration.newBuilder().setSeconds(1))
                .setLeaseTtl(Duration.newBuilder().setSeconds(LEASE_TTL_SECONDS)).setPortRange(pool).build());
        responses.onCompleted();
    }

    @Override
    public void heartbeatGateway(HeartbeatGatewayRequest request, StreamObserver<HeartbeatGatewayResponse> responses) {
        responses.onNext(HeartbeatGatewayResponse.newBuilder().setPortRange(pool).build());
        responses.onCompleted();
    }

    @Override
    public void acquireLease(AcquireLeaseRequest request, StreamObserver<AcquireLeaseResponse> responses) {
        if (down) {
            responses.onError(Status.UNAVAILABLE.withDescription("down for the test").asRuntimeException());
            return;
        }
        if (request.getPort() < pool.getFirst() || request.getPort() > pool.getLast()) {
            responses.onError(GrpcFailure.of(Status.Code.INVALID_ARGUMENT, "PORT_OUT_OF_RANGE", "port out of range"));
            return;
        }
        String refusal = receiptRefusal(request);
        if (refusal != null) {
            responses.onError(GrpcFailure.of(Status.Code.PERMISSION_DENIED, refusal, "lease receipt refused"));
            return;
        }
        acquisitions.add(request);
        Key key = new Key(request.getAccountId(), request.getPort());
        Lease held = leases.get(key);
        if (held != null && !held.getApiKeyId().equals(request.getApiKeyId())) {
            responses.onError(GrpcFailure.of(Status.Code.ALREADY_EXISTS, "PORT_HELD", "port held by another key"));
            return;
        }
        boolean resumed = request.getApiKeyId().equals(lastHolder.get(key));
        Lease lease = Lease.newBuilder().setAccountId(key.accountId()).setPort(key.port())
                .setTunnelId(held != null ? held.getTunnelId() : "tun_" + UUID.randomUUID())
                .setApiKeyId(request.getApiKeyId()).setGatewayId(request.getGatewayId())
                .setEpoch(epochs.incrementAndGet()).build();
        leases.put(key, lease);
        lastHolder.put(key, request.getApiKeyId());
        responses.onNext(AcquireLeaseResponse.newBuilder().setLease(lease).setResumed(resumed).build());
        responses.onCompleted();
    }

    /**
     * The registry's receipt rule, on the common verifier: key-validator's signature of our CA, current, for this
     * gateway, account and key. Null when it holds, else the reason.
     */
    private String receiptRefusal(AcquireLeaseRequest request) {
        if (request.getReceipt().isEmpty()) {
            return "LEASE_RECEIPT_MISSING";
        }
        LeaseReceipt receipt;
        try {
            receipt = LeaseReceipt.parseFrom(request.getReceipt());
        } catch (InvalidProtocolBufferException e) {
            return "LEASE_RECEIPT_INVALID";
        }
        if (verifier.verify(new SignedClaims(receipt.getClaims().toByteArray(), receipt.getSignature().toByteArray(),
                receipt.getSignerCertificate().toByteArray()), Instant.now()) instanceof ReceiptVerifier.Forged) {
            return "LEASE_RECEIPT_INVALID";
        }
        try {
            LeaseReceiptClaims claims = LeaseReceiptClaims.parseFrom(receipt.getClaims());
            if (Instant.now().getEpochSecond() > claims.getExpiresAt().getSeconds()) {
                return "LEASE_RECEIPT_EXPIRED";
            }
            boolean matches = claims.getAccountId().equals(request.getAccountId())
                    && claims.getApiKeyId().equals(request.getApiKeyId())
                    && claims.getGatewayId().equals(request.getGatewayId());
            return matches ? null : "LEASE_RECEIPT_MISMATCH";
        } catch (InvalidProtocolBufferException e) {
            return "LEASE_RECEIPT_INVALID";
        }
    }

    @Override
    public void renewLease(RenewLeaseRequest request, StreamObserver<RenewLeaseResponse> responses) {
        renewals.add(request);
        Lease lease = leases.get(new Key(request.getAccountId(), request.getPort()));
        if (lostAccounts.contains(request.getAccountId()) || lease == null || lease.getEpoch() != request.getEpoch()) {
            responses.onError(GrpcFailure.of(Status.Code.FAILED_PRECONDITION, "LEASE_LOST", "lease lost"));
            return;
        }
        responses.onNext(RenewLeaseResponse.getDefaultInstance());
        responses.onCompleted();
    }

    @Override
    public void releaseLease(ReleaseLeaseRequest request, StreamObserver<ReleaseLeaseResponse> responses) {
        releases.add(request);
        Key key = new Key(request.getAccountId(), request.getPort());
        Lease lease = leases.get(key);
        boolean released = lease != null && lease.getEpoch() == request.getEpoch() && leases.remove(key, lease);
        responses.onNext(ReleaseLeaseResponse.newBuilder().setReleased(released).build());
        responses.onCompleted();
    }

    @Override
    public void watchLeaseEvents(WatchLeaseEventsRequest request, StreamObserver<LeaseEvent> responses) {
        watchers.add(responses);
        ((ServerCallStreamObserver<LeaseEvent>) responses).setOnCancelHandler(() -> watchers.remove(responses));
    }
}
