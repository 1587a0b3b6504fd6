package io.secureconnect.gateway.keys;

import io.quarkus.grpc.GrpcClient;
import io.secureconnect.common.keys.KeyAnswer;
import io.secureconnect.common.keys.KeyQuestion;
import io.secureconnect.common.keys.ValidateTokenClient;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;

/**
 * Validates an agent's API key through key-validator: core_pipeline_view with an ABAC scope of All, asking for the
 * lease receipt that tunnel-registry needs to lease a port for the key. Refuses every key while revocations cannot
 * be followed (fail closed, {@link RevocationFeed#stale()}). The call itself is common's {@link ValidateTokenClient};
 * this class only turns its answer into a {@link KeyCheck}.
 */
@Singleton
public class KeyValidatorClient {

    static final String REQUIRED_PERMISSION = "core_pipeline_view";
    private static final Duration DEADLINE = Duration.ofMillis(3000);
    /** Seconds an agent waits when key-validator throttles without saying how long. */
    private static final long RETRY_AFTER_FALLBACK = 10;

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
        KeyAnswer answer = new ValidateTokenClient(keys, DEADLINE).validate(KeyQuestion
                .of(token, Set.of(REQUIRED_PERMISSION)).abacAll(true).withLeaseReceipt().from(clientAddress));
        if (answer instanceof KeyAnswer.Valid valid) {
            return new KeyCheck.Valid(valid.principal().getAccountId(), valid.principal().getApiKeyId(),
                    valid.principal().getTokenId(), valid.response().getLeaseReceipt());
        }
        if (answer instanceof KeyAnswer.Denied denied) {
            return new KeyCheck.Denied(denied.reason(), denied.row(), denied.message());
        }
        if (answer instanceof KeyAnswer.Throttled throttled) {
            return new KeyCheck.Throttled(throttled.retryAfterOr(RETRY_AFTER_FALLBACK));
        }
        return new KeyCheck.Unavailable(((KeyAnswer.Unavailable) answer).why());
    }
}
