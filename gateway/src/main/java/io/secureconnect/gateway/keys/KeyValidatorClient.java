package io.secureconnect.gateway.keys;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * Validates an agent's API key through key-validator: core_pipeline_view with an ABAC scope of All, asking for the
 * lease receipt that tunnel-registry needs to lease a port for the key. Refuses every key while revocations cannot
 * be followed (fail closed, {@link RevocationFeed#stale()}).
 */
@Singleton
public class KeyValidatorClient {

    static final String REQUIRED_PERMISSION = "core_pipeline_view";
    private static final long DEADLINE_MILLIS = 3000;

    @GrpcClient("keyvalidator")
    KeyValidatorGrpc.KeyValidatorBlockingStub keys;

    private final RevocationFeed revocations;

    public KeyValidatorClient(RevocationFeed revocations) {
        this.revocations = revocations;
    }

    /**
     * Blocking (the caller is a gRPC worker thread, never an event loop). Fails closed. {@code clientAddress} is the
     * agent's address as this gateway saw it: key-validator counts failures per agent, not per gateway.
     */
    public KeyCheck check(String token, String clientAddress) {
        if (revocations.stale()) {
            return new KeyCheck.Unavailable("the gateway cannot follow key revocations (key-validator unreachable)");
        }
        ValidateTokenResponse response;
        try {
            response = keys.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                    .withInterceptors(ClientAddress.forwarding(clientAddress))
                    .validateToken(ValidateTokenRequest.newBuilder().setToken(token)
                            .addRequiredPermissions(REQUIRED_PERMISSION).setRequireAbacAll(true)
                            .setLeaseReceipt(true).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                return new KeyCheck.Throttled(retryAfter(e));
            }
            return new KeyCheck.Unavailable("key-validator did not answer: " + e.getStatus().getCode());
        }
        if (response.getValid()) {
            return new KeyCheck.Valid(response.getPrincipal().getAccountId(), response.getPrincipal().getApiKeyId(),
                    response.getPrincipal().getTokenId(), response.getLeaseReceipt());
        }
        String reason = response.getReason().name().replace("DENIAL_REASON_", "");
        String message = response.getMessage().isEmpty() ? "the API key was refused: " + reason
                : response.getMessage();
        return new KeyCheck.Denied(reason, message);
    }

    private static long retryAfter(StatusRuntimeException e) {
        try {
            return Math.max(1, Long.parseLong(GrpcFailure.fact(e, "retry-after").orElse("10")));
        } catch (NumberFormatException notANumber) {
            return 10;
        }
    }
}
