package io.secureconnect.common.keys;

/**
 * The failure reasons and facts of ValidateToken that key-validator sends and its callers read (trailers of
 * {@link io.secureconnect.common.grpc.GrpcFailure}; key_validator.proto documents them), written once for both
 * ends. The end client's address travels in {@link io.secureconnect.common.grpc.ClientAddress}.
 */
public final class KeyValidatorWire {

    /** RESOURCE_EXHAUSTED: too many failed checks from one caller and end client. */
    public static final String RATE_LIMITED = "RATE_LIMITED";
    /** RESOURCE_EXHAUSTED: too many failed uses of one token id, from all callers together. */
    public static final String KEY_THROTTLED = "KEY_THROTTLED";
    /** The fact (trailer secureconnect-retry-after) with the seconds to wait, on both throttles. */
    public static final String RETRY_AFTER = "retry-after";

    private KeyValidatorWire() {
    }
}
