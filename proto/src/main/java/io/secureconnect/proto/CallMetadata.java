package io.secureconnect.proto;

import io.grpc.Metadata;

/**
 * The gRPC metadata our calls carry besides their messages, named once for the callers and the servers that read it
 * (the .proto files say which call uses which). Reason codes themselves are documented with each service's proto.
 */
public final class CallMetadata {

    /** Request: an API key (agents to the gateway; automation to a service's gRPC methods). */
    public static final Metadata.Key<String> API_KEY = ascii("x-api-key");
    /** Request: {@code Bearer <OIDC token>} (a runner's or a service's account token). */
    public static final Metadata.Key<String> AUTHORIZATION = ascii("authorization");
    /**
     * Request: the end client a gateway or service acts for, forwarded with ValidateToken so that key-validator
     * counts failures per end client (key_validator.proto).
     */
    public static final Metadata.Key<String> CLIENT_ADDRESS = ascii("secureconnect-client-address");
    /** Trailer: the stable reason code of a failed call, e.g. {@code PORT_OUT_OF_RANGE}, {@code RATE_LIMITED}. */
    public static final Metadata.Key<String> REASON = ascii("secureconnect-reason");
    /** Trailers {@code secureconnect-<fact>}: facts of a failure, e.g. {@code secureconnect-retry-after}. */
    public static final String FACT_PREFIX = "secureconnect-";

    private CallMetadata() {
    }

    /** The trailer of one fact of a failure, e.g. {@code retry-after}. */
    public static Metadata.Key<String> fact(String name) {
        return ascii(FACT_PREFIX + name);
    }

    private static Metadata.Key<String> ascii(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
}
