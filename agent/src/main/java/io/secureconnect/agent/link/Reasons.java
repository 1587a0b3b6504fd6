package io.secureconnect.agent.link;

import io.grpc.Metadata;
import io.grpc.Status;
import io.secureconnect.proto.CallMetadata;
import io.secureconnect.proto.tunnel.v1.Goodbye;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;

/** Why a stream ended, in one line for people: Goodbye reason and message, or gRPC status, reason trailer, cause. */
final class Reasons {

    private Reasons() {
    }

    /**
     * "PORT_HELD: ..." for a Goodbye with a reason; only the gateway's message when it has none (a refused Hello, e.g.
     * "remote_port=29999: must be an integer from 30000 to 30099 (tunnel-registry's port pool)").
     */
    static String of(Goodbye goodbye, Redactor redactor) {
        String reason = goodbye.getReason().name().replace("GOODBYE_REASON_", "");
        if (goodbye.getMessage().isEmpty()) {
            return reason;
        }
        String message = redactor.clean(goodbye.getMessage());
        return goodbye.getReason() == GoodbyeReason.GOODBYE_REASON_UNSPECIFIED ? message : reason + ": " + message;
    }

    static String of(Throwable error, Redactor redactor) {
        Status status = Status.fromThrowable(error);
        Metadata trailers = Status.trailersFromThrowable(error);
        String reason = trailers == null ? null : trailers.get(CallMetadata.REASON);
        StringBuilder text = new StringBuilder(status.getCode().name());
        if (reason != null) {
            text.append(" (").append(reason).append(')');
        }
        if (status.getDescription() != null) {
            text.append(": ").append(status.getDescription().lines().findFirst().orElse(""));
        }
        Throwable cause = status.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause != null && cause.getMessage() != null) {
            text.append(" (").append(cause.getMessage().lines().findFirst().orElse("")).append(')');
        }
        return redactor.clean(text.toString());
    }
}
