package io.secureconnect.common.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.proto.CallMetadata;
import java.util.Map;
import java.util.Optional;

/**
 * gRPC errors with a machine-readable reason: the ASCII trailer {@code secureconnect-reason} and optional
 * {@code secureconnect-<fact>} trailers (see proto/README.md). The description never holds a secret.
 */
public final class GrpcFailure {


    private GrpcFailure() {
    }

    public static StatusRuntimeException of(Status.Code code, String reason, String message) {
        return of(code, reason, message, Map.of());
    }

    public static StatusRuntimeException of(Status.Code code, String reason, String message,
            Map<String, String> facts) {
        Metadata trailers = new Metadata();
        trailers.put(CallMetadata.REASON, reason);
        facts.forEach((name, value) -> trailers.put(fact(name), ascii(value)));
        return Status.fromCode(code).withDescription(message).asRuntimeException(trailers);
    }

    /** The reason a failed call carried, if the callee is one of ours. */
    public static Optional<String> reason(Throwable failure) {
        Metadata trailers = Status.trailersFromThrowable(failure);
        return trailers == null ? Optional.empty() : Optional.ofNullable(trailers.get(CallMetadata.REASON));
    }

    /** A fact a failed call carried, e.g. {@code fact(e, "port")}. */
    public static Optional<String> fact(Throwable failure, String name) {
        Metadata trailers = Status.trailersFromThrowable(failure);
        return trailers == null ? Optional.empty() : Optional.ofNullable(trailers.get(fact(name)));
    }

    private static Metadata.Key<String> fact(String name) {
        return CallMetadata.fact(name.toLowerCase().replace('_', '-'));
    }

    private static String ascii(String value) {
        return value.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
