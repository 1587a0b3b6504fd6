package io.secureconnect.registry.lease;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.problem.Problem;
import io.secureconnect.common.problem.ProblemException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Why a lease operation was refused: a stable reason (e.g. {@code PORT_HELD}), a message for people and facts
 * (e.g. the holder's tunnel). Nothing was changed (for UNAVAILABLE: see its kind). Translated at each boundary: gRPC status with the reason
 * trailer, problem+json, or an frp reject reason.
 */
public class LeaseFailure extends RuntimeException {

    /** The kind of refusal, which decides the gRPC status and the HTTP status. */
    public enum Kind {
        INVALID(Status.Code.INVALID_ARGUMENT, 400),
        NOT_FOUND(Status.Code.NOT_FOUND, 404),
        HELD(Status.Code.ALREADY_EXISTS, 409),
        LOST(Status.Code.FAILED_PRECONDITION, 412),
        EXHAUSTED(Status.Code.RESOURCE_EXHAUSTED, 409),
        /** The database failed or was too busy; the caller may repeat the request (acquisitions resume, releases
         * are idempotent). */
        UNAVAILABLE(Status.Code.UNAVAILABLE, 503),
        /** Concurrent batches kept conflicting (deadlock or serialization failure on every attempt). */
        ABORTED(Status.Code.ABORTED, 409);

        final Status.Code grpc;
        final int http;

        Kind(Status.Code grpc, int http) {
            this.grpc = grpc;
            this.http = http;
        }
    }

    private final Kind kind;
    private final String reason;
    private final String field;
    private final Map<String, String> facts;

    public LeaseFailure(Kind kind, String reason, String message, Map<String, String> facts) {
        this(kind, reason, null, message, facts);
    }

    private LeaseFailure(Kind kind, String reason, String field, String message, Map<String, String> facts) {
        super(message, null, false, false);
        this.kind = kind;
        this.reason = reason;
        this.field = field;
        this.facts = new LinkedHashMap<>(facts);
    }

    /** A bad field of a request: INVALID_ARGUMENT / 400 naming the field. */
    public static LeaseFailure invalid(String reason, String field, String message) {
        return new LeaseFailure(Kind.INVALID, reason, field, field + ": " + message, Map.of("field", field));
    }

    public Kind kind() {
        return kind;
    }

    public String reason() {
        return reason;
    }

    public Map<String, String> facts() {
        return facts;
    }

    public StatusRuntimeException toGrpc() {
        return GrpcFailure.of(kind.grpc, reason, getMessage(), facts);
    }

    public ProblemException toProblem() {
        List<Problem.FieldError> errors = field == null ? List.of()
                : List.of(new Problem.FieldError(field, getMessage().substring(field.length() + 2)));
        return new ProblemException(kind.http, reason, getMessage(), errors, Map.of());
    }
}
