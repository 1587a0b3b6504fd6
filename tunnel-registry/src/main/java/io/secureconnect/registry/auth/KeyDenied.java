package io.secureconnect.registry.auth;

import io.secureconnect.common.problem.ProblemException;
import java.util.List;
import java.util.Map;

/**
 * Why key-validator did not accept a token, or that it could not be asked (fail closed). Carries a stable code,
 * the HTTP status it answers with, and a message that never holds the token.
 */
public class KeyDenied extends RuntimeException {

    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    KeyDenied(int status, String code, String message) {
        this(status, code, message, status == 503 ? 5 : 0);
    }

    KeyDenied(int status, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public boolean unavailable() {
        return status == 503;
    }

    public ProblemException toProblem() {
        Map<String, String> headers = retryAfterSeconds > 0
                ? Map.of("Retry-After", String.valueOf(retryAfterSeconds)) : Map.of();
        return new ProblemException(status, code, getMessage(), List.of(), headers);
    }
}
