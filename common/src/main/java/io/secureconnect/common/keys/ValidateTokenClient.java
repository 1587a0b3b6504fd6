package io.secureconnect.common.keys;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The one client of key-validator's ValidateToken, for the gateway, tunnel-registry and connector-policy: builds the
 * request from a {@link KeyQuestion} (permissions sorted, expected account, ABAC All, lease receipt, the target
 * through {@link KeyValidatorTargets}), forwards the end client's address ({@link ClientAddress}), applies the
 * deadline, and answers a typed {@link KeyAnswer}. Each service only converts that answer into its own (an agent
 * refusal, a problem, a gRPC status). A plain object, not a bean: each service builds it around its own
 * {@code @GrpcClient} stub (the generated classes come from the proto jar).
 *
 * <p>Blocking: call it from a worker thread. The token is never logged nor put into an answer.
 */
public final class ValidateTokenClient {

    private static final Logger LOG = Logger.getLogger(ValidateTokenClient.class);

    private final KeyValidatorGrpc.KeyValidatorBlockingStub stub;
    private final Duration deadline;

    public ValidateTokenClient(KeyValidatorGrpc.KeyValidatorBlockingStub stub, Duration deadline) {
        this.stub = stub;
        this.deadline = deadline;
    }

    public KeyAnswer validate(KeyQuestion question) {
        ValidateTokenResponse response;
        try {
            response = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .withInterceptors(ClientAddress.forwarding(question.clientAddress()))
                    .validateToken(request(question));
        } catch (StatusRuntimeException e) {
            return failure(e);
        }
        if (!response.getValid()) {
            return new KeyAnswer.Denied(response.getReason(), DenialReasons.of(response.getReason()), response);
        }
        if (response.getPrincipal().getAccountId().isEmpty() || response.getPrincipal().getApiKeyId().isEmpty()) {
            LOG.warn("key-validator answered valid without a principal; refusing (fail closed)");
            return new KeyAnswer.Unavailable(Status.Code.OK,
                    "key-validator answered without a principal; the API key cannot be checked");
        }
        return new KeyAnswer.Valid(response);
    }

    static ValidateTokenRequest request(KeyQuestion question) {
        ValidateTokenRequest.Builder request = ValidateTokenRequest.newBuilder().setToken(question.token())
                .addAllRequiredPermissions(question.permissions().stream().sorted().toList())
                .setRequireAbacAll(question.abacAll()).setLeaseReceipt(question.leaseReceipt());
        if (question.expectedAccountId() != null) {
            request.setExpectedAccountId(question.expectedAccountId());
        }
        KeyValidatorTargets.ask(request, question.target());
        return request.build();
    }

    private static KeyAnswer failure(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.RESOURCE_EXHAUSTED) {
            boolean key = GrpcFailure.reason(e).filter(KeyValidatorWire.KEY_THROTTLED::equals).isPresent();
            return new KeyAnswer.Throttled(key ? KeyAnswer.Throttle.KEY : KeyAnswer.Throttle.CLIENT, retryAfter(e));
        }
        if (code == Status.Code.INVALID_ARGUMENT) {
            // We ask only for permissions of the closed list and checked resources: our defect, not the caller's.
            LOG.errorf("key-validator refused our ValidateToken request reason=%s field=%s",
                    GrpcFailure.reason(e).orElse("none"), GrpcFailure.fact(e, "field").orElse("none"));
        } else {
            LOG.warnf("key-validator ValidateToken failed status=%s", code);
        }
        return new KeyAnswer.Unavailable(code, "key-validator did not answer: " + code);
    }

    /** The seconds key-validator asked to wait; 0 when it did not say (or said nonsense). */
    private static long retryAfter(StatusRuntimeException e) {
        return GrpcFailure.fact(e, KeyValidatorWire.RETRY_AFTER).map(seconds -> {
            try {
                return Math.max(1, Long.parseLong(seconds));
            } catch (NumberFormatException notANumber) {
                return 0L;
            }
        }).orElse(0L);
    }
}
