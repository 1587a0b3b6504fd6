package io.secureconnect.policy.testsupport;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyType;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * key-validator is another service of ours, not part of this module: this in-test server speaks its real gRPC
 * contract so that connector-policy's client, deadlines and error mapping run for real. The real pairing is
 * covered by the e2e suite. Its answers follow from the token's text (see {@link Keys#token}), so tests need no
 * shared state with it: {@code pat.<account>.<words>.<secret>} where words are joined by '-':
 * view/edit/delete grant core_connector_*, execute core_pipeline_execute, org_X limits the key to org X, revoked and expired deny it, and
 * ratelimited answers RESOURCE_EXHAUSTED as key-validator's rate limit does. A key of another account than the
 * expected one is WRONG_ACCOUNT.
 */
public class FakeKeyValidator extends KeyValidatorGrpc.KeyValidatorImplBase {

    public static final String SECRET = "s3cretpart";
    static final Metadata.Key<String> CLIENT_ADDRESS =
            Metadata.Key.of("secureconnect-client-address", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> CLIENT_ADDRESS_SEEN = Context.key("client-address");

    /** Puts the secureconnect-client-address header of a call where the service reads it. */
    public static ServerServiceDefinition withClientAddress(FakeKeyValidator service) {
        return ServerInterceptors.intercept(service, new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                    ServerCallHandler<Q, A> next) {
                return Contexts.interceptCall(Context.current().withValue(CLIENT_ADDRESS_SEEN, headers.get(CLIENT_ADDRESS)),
                        call, headers, next);
            }
        });
    }
    public final AtomicInteger calls = new AtomicInteger();

    @Override
    public void validateToken(ValidateTokenRequest request, StreamObserver<ValidateTokenResponse> responses) {
        calls.incrementAndGet();
        if (request.getToken().contains(".ratelimited.")) {
            // What key-validator answers once one client sent too many bad tokens. It counts per client address,
            // which connector-policy must name for its REST callers: without it, the fake refuses differently.
            if (CLIENT_ADDRESS_SEEN.get() == null) {
                responses.onError(Status.FAILED_PRECONDITION.withDescription("no client address").asRuntimeException());
                return;
            }
            responses.onError(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED", "too many bad tokens",
                    Map.of("retry-after", "17")));
            return;
        }
        responses.onNext(answer(request));
        responses.onCompleted();
    }

    private static ValidateTokenResponse answer(ValidateTokenRequest request) {
        String[] parts = request.getToken().split("\\.", -1);
        if (parts.length != 4 || !(parts[0].equals("pat") || parts[0].equals("sat"))) {
            return denied(DenialReason.DENIAL_REASON_MALFORMED, List.of());
        }
        if (!parts[3].equals(SECRET)) {
            return denied(DenialReason.DENIAL_REASON_UNKNOWN, List.of());
        }
        Set<String> granted = new LinkedHashSet<>();
        String org = "";
        for (String word : parts[2].split("-")) {
            switch (word) {
                case "view", "edit", "delete" -> granted.add("core_connector_" + word);
                case "execute" -> granted.add("core_pipeline_execute");
                case "revoked" -> {
                    return denied(DenialReason.DENIAL_REASON_REVOKED, List.of());
                }
                case "expired" -> {
                    return denied(DenialReason.DENIAL_REASON_EXPIRED, List.of());
                }
                default -> {
                    if (word.startsWith("org_")) {
                        org = word.substring(4);
                    }
                }
            }
        }
        if (!request.getExpectedAccountId().isEmpty() && !request.getExpectedAccountId().equals(parts[1])) {
            return denied(DenialReason.DENIAL_REASON_WRONG_ACCOUNT, List.of());
        }
        List<String> missing = new ArrayList<>(request.getRequiredPermissionsList());
        missing.removeAll(granted);
        if (!missing.isEmpty()) {
            return denied(DenialReason.DENIAL_REASON_MISSING_PERMISSION, missing);
        }
        return ValidateTokenResponse.newBuilder().setValid(true)
                .setPrincipal(Principal.newBuilder().setAccountId(parts[1]).setOrgId(org).setApiKeyId("key-" + parts[2])
                        .setTokenId(parts[2]).setKeyType(KeyType.KEY_TYPE_USER))
                .addAllGrantedPermissions(granted).build();
    }

    private static ValidateTokenResponse denied(DenialReason reason, List<String> missing) {
        return ValidateTokenResponse.newBuilder().setValid(false).setReason(reason)
                .addAllMissingPermissions(missing).setMessage(reason.name()).build();
    }
}
