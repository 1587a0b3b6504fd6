package io.secureconnect.gateway.support;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.identity.PeerKind;
import io.secureconnect.common.receipt.SignedClaims;
import io.secureconnect.proto.CallMetadata;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.RevocationCause;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import io.secureconnect.testing.TestReceipts;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * key-validator as the gateway sees it over gRPC: tokens registered by the test are valid for an account and key, or
 * denied with a reason; a gateway that asks gets a lease receipt signed as key-validator signs one. key-validator is another service of ours; this in-test fake keeps the gateway's tests about
 * the gateway. The real pairing is covered by the e2e suite.
 */
public class FakeKeyValidator extends KeyValidatorGrpc.KeyValidatorImplBase {

    private final Map<String, ValidateTokenResponse> tokens = new ConcurrentHashMap<>();
    private final List<StreamObserver<RevocationEvent>> watchers = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<ValidateTokenRequest> requests = new CopyOnWriteArrayList<>();
    private final List<String> clientAddresses = new CopyOnWriteArrayList<>();
    private final Set<String> throttled = ConcurrentHashMap.newKeySet();
    private static final Context.Key<String> CLIENT_ADDRESS = Context.key("client-address");
    private static final Context.Key<Optional<Peer>> CALLER = Context.key("caller");
    private volatile boolean down;
    private volatile boolean watchDown;

    /** This fake as served: it remembers the end client address each call forwards ({@link #clientAddresses}). */
    public ServerServiceDefinition definition() {
        return ServerInterceptors.intercept(this, new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                    ServerCallHandler<Q, A> next) {
                String address = headers.get(CallMetadata.CLIENT_ADDRESS);
                return Contexts.interceptCall(Context.current().withValue(CLIENT_ADDRESS,
                        address == null ? "(none)" : address).withValue(CALLER, caller(call)), call, headers, next);
            }
        });
    }

    /** The client address each ValidateToken forwarded, in order ("(none)" when it forwarded none). */
    public List<String> clientAddresses() {
        return clientAddresses;
    }

    /** Checks of this token are refused as key-validator refuses a client over its failure budget. */
    public void throttle(String token) {
        throttled.add(token);
    }

    /** A token valid for this account and API key. */
    public void allow(String token, String accountId, String apiKeyId) {
        tokens.put(token, ValidateTokenResponse.newBuilder().setValid(true)
                .setPrincipal(Principal.newBuilder().setAccountId(accountId).setApiKeyId(apiKeyId)
                        .setTokenId("tok_" + apiKeyId))
                .addGrantedPermissions("core_pipeline_view").build());
    }

    public void deny(String token, DenialReason reason, String message) {
        tokens.put(token, ValidateTokenResponse.newBuilder().setValid(false).setReason(reason).setMessage(message)
                .build());
    }

    public void down(boolean down) {
        this.down = down;
    }

    /**
     * The revocation stream as during an outage: open watches fail with UNAVAILABLE and new ones are refused so
     * ({@code true}), or accepted again ({@code false}).
     */
    public void watchDown(boolean down) {
        this.watchDown = down;
        if (down) {
            for (StreamObserver<RevocationEvent> watcher : List.copyOf(watchers)) {
                watchers.remove(watcher);
                synchronized (watcher) {
                    watcher.onError(Status.UNAVAILABLE.withDescription("key-validator is down").asRuntimeException());
                }
            }
        }
    }

    public List<ValidateTokenRequest> requests() {
        return requests;
    }

    /** Tells every watcher (the gateway) that the key was revoked. */
    public void revoke(String accountId, String apiKeyId) {
        RevocationEvent event = RevocationEvent.newBuilder().setSequence(sequence.incrementAndGet())
                .setAccountId(accountId).setApiKeyId(apiKeyId).setCause(RevocationCause.REVOCATION_CAUSE_REVOKED)
                .build();
        for (StreamObserver<RevocationEvent> watcher : watchers) {
            synchronized (watcher) {
                watcher.onNext(event);
            }
        }
    }

    public int watchers() {
        return watchers.size();
    }

    @Override
    public void validateToken(ValidateTokenRequest request, StreamObserver<ValidateTokenResponse> responses) {
        requests.add(request);
        clientAddresses.add(CLIENT_ADDRESS.get());
        if (throttled.contains(request.getToken())) {
            responses.onError(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED",
                    "too many failed validations from this caller", Map.of("retry-after", "17")));
            return;
        }
        if (down) {
            responses.onError(Status.UNAVAILABLE.withDescription("down for the test").asRuntimeException());
            return;
        }
        ValidateTokenResponse answer = tokens.getOrDefault(request.getToken(), ValidateTokenResponse.newBuilder()
                .setValid(false).setReason(DenialReason.DENIAL_REASON_UNKNOWN).setMessage("unknown token").build());
        Optional<Peer> caller = CALLER.get();
        if (answer.getValid() && request.getLeaseReceipt() && caller.isPresent()
                && caller.get().kind() == PeerKind.GATEWAY) {
            answer = answer.toBuilder().setLeaseReceipt(receipt(answer.getPrincipal(), caller.get().name())).build();
        }
        responses.onNext(answer);
        responses.onCompleted();
    }

    /** As key-validator signs one: with the test PKI's key-validator identity, for 60 s. */
    private static LeaseReceipt receipt(Principal principal, String gatewayId) {
        Instant now = Instant.now();
        SignedClaims signed = TestReceipts.sign(LeaseReceiptClaims.newBuilder()
                .setAccountId(principal.getAccountId()).setApiKeyId(principal.getApiKeyId()).setGatewayId(gatewayId)
                .setIssuedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setExpiresAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond() + 60).setNanos(now.getNano()))
                .build());
        return LeaseReceipt.newBuilder().setClaims(ByteString.copyFrom(signed.claims()))
                .setSignature(ByteString.copyFrom(signed.signature()))
                .setSignerCertificate(ByteString.copyFrom(signed.signerCertificate())).build();
    }

    /** The identity the caller's client certificate names (the fake is served with mTLS). */
    private static Optional<Peer> caller(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        try {
            return session == null ? Optional.empty()
                    : Peer.of((X509Certificate) session.getPeerCertificates()[0]);
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    @Override
    public void watchRevocations(WatchRevocationsRequest request, StreamObserver<RevocationEvent> responses) {
        if (watchDown) {
            responses.onError(Status.UNAVAILABLE.withDescription("key-validator is down").asRuntimeException());
            return;
        }
        watchers.add(responses);
        ((ServerCallStreamObserver<RevocationEvent>) responses).setOnCancelHandler(() -> watchers.remove(responses));
    }
}
