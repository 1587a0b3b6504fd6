package io.secureconnect.gateway.tunnel;

import io.grpc.Status;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;

/** Why an agent is not admitted: the Goodbye it gets and the gRPC status that ends its stream. */
public class Refusal extends Exception {

    private final Status.Code code;
    private final String reason;
    private final GoodbyeReason goodbye;
    private final boolean retryable;

    public Refusal(Status.Code code, String reason, GoodbyeReason goodbye, boolean retryable, String message) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.goodbye = goodbye;
        this.retryable = retryable;
    }

    public static Refusal unavailable(String reason, String message) {
        return new Refusal(Status.Code.UNAVAILABLE, reason, GoodbyeReason.GOODBYE_REASON_UNSPECIFIED, true, message);
    }

    public Status.Code code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public GoodbyeReason goodbye() {
        return goodbye;
    }

    public boolean retryable() {
        return retryable;
    }
}
