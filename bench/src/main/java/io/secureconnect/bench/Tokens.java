package io.secureconnect.bench;

import io.grpc.ManagedChannel;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The API tokens a benchmark validates (read from a file, one a line, never printed) and the request for them. */
final class Tokens {

    /** What a gateway asks when an agent connects (see gateway's KeyValidatorClient). */
    static final String PERMISSION = "core_pipeline_view";

    private final List<String> tokens;
    private final String account;

    Tokens(Path file, String account) throws IOException {
        this.tokens = Files.readAllLines(file).stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
        this.account = account;
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("no token in " + file);
        }
    }

    int count() {
        return tokens.size();
    }

    ValidateTokenRequest request(long index) {
        return ValidateTokenRequest.newBuilder().setToken(tokens.get((int) (index % tokens.size())))
                .addRequiredPermissions(PERMISSION).setRequireAbacAll(true).setExpectedAccountId(account).build();
    }

    /** Throws unless the answer says valid: a benchmark of denials would measure the wrong path. */
    static void requireValid(ValidateTokenResponse response) {
        if (!response.getValid()) {
            throw new IllegalStateException("token not valid: " + response.getReason() + " " + response.getMessage());
        }
    }

    /** Validates once with a deadline, to fail fast before a run. */
    void check(ManagedChannel channel) {
        requireValid(KeyValidatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .validateToken(request(0)));
    }
}
