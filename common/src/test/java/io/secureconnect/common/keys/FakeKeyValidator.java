package io.secureconnect.common.keys;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.Principal;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for key-validator, a service outside this unit: answers by the token's name ("valid", "denied.REVOKED",
 * "throttled.key", "throttled.client", "slow", "down", "broken", "no-principal") and keeps the requests it got.
 */
final class FakeKeyValidator extends KeyValidatorGrpc.KeyValidatorImplBase {

    final List<ValidateTokenRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public void validateToken(ValidateTokenRequest request, StreamObserver<ValidateTokenResponse> response) {
        requests.add(request);
        String token = request.getToken();
        if (token.startsWith("denied.")) {
            DenialReason reason = DenialReason.valueOf("DENIAL_REASON_" + token.substring("denied.".length()));
            answer(response, ValidateTokenResponse.newBuilder().setValid(false).setReason(reason)
                    .addMissingPermissions("core_pipeline_view").build());
            return;
        }
        switch (token) {
            case "valid" -> answer(response, ValidateTokenResponse.newBuilder().setValid(true)
                    .setPrincipal(Principal.newBuilder().setAccountId("acc").setApiKeyId("key").setTokenId("tok"))
                    .addGrantedPermissions("core_pipeline_view").build());
            case "no-principal" -> answer(response, ValidateTokenResponse.newBuilder().setValid(true).build());
            case "throttled.key" -> response.onError(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED,
                    KeyValidatorWire.KEY_THROTTLED, "too many failed uses",
                    Map.of(KeyValidatorWire.RETRY_AFTER, "42")));
            case "throttled.client" -> response.onError(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED,
                    KeyValidatorWire.RATE_LIMITED, "too many failures", Map.of(KeyValidatorWire.RETRY_AFTER, "17")));
            case "throttled.silent" -> response.onError(Status.RESOURCE_EXHAUSTED.asRuntimeException());
            case "slow" -> {
                // never answers: the caller's deadline ends the call
            }
            case "down" -> response.onError(GrpcFailure.of(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE", "db"));
            case "broken" -> response.onError(Status.INTERNAL.withDescription("boom").asRuntimeException());
            default -> response.onError(Status.UNIMPLEMENTED.asRuntimeException());
        }
    }

    private static void answer(StreamObserver<ValidateTokenResponse> response, ValidateTokenResponse answer) {
        response.onNext(answer);
        response.onCompleted();
    }
}
