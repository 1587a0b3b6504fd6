package io.secureconnect.common.problem;

import java.util.List;
import java.util.Map;

/** Thrown by resources and services to answer with a problem; nothing is changed when it is thrown. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<Problem.FieldError> errors;
    private final Map<String, String> headers;

    public ProblemException(int status, String code, String detail, List<Problem.FieldError> errors,
            Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, detail, List.of(), Map.of());
    }

    public static ProblemException invalidField(String field, String message) {
        return new ProblemException(400, "INVALID_FIELD", field + ": " + message,
                List.of(new Problem.FieldError(field, message)), Map.of());
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "UNAUTHENTICATED", detail, List.of(), Map.of());
    }

    public static ProblemException forbidden(String code, String detail) {
        return new ProblemException(403, code, detail, List.of(), Map.of());
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "ENTITY_NOT_FOUND", detail, List.of(), Map.of());
    }

    public static ProblemException conflict(String code, String detail) {
        return new ProblemException(409, code, detail, List.of(), Map.of());
    }

    public static ProblemException preconditionFailed(String detail) {
        return new ProblemException(412, "STALE_VERSION", detail, List.of(), Map.of());
    }

    public static ProblemException unprocessable(String code, String detail) {
        return new ProblemException(422, code, detail, List.of(), Map.of());
    }

    public static ProblemException tooManyRequests(String detail, long retryAfterSeconds) {
        return new ProblemException(429, "RATE_LIMITED", detail, List.of(),
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
