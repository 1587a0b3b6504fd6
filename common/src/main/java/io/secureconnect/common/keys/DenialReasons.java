package io.secureconnect.common.keys;

import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import java.util.EnumMap;
import java.util.Map;

/**
 * The one table of ValidateToken's denial reasons: for each, the HTTP status (401: the token is not good; 403: good,
 * but not for this), the specific problem code and a message that never holds the token. Every caller of
 * key-validator reads it through {@link KeyAnswer.Denied}.
 *
 * <p>The codes are the specific ones (tunnel-registry answers them as they are, e.g. API_KEY_REVOKED); a service
 * whose documented contract is a generic code keeps it in its own thin conversion: connector-policy answers 401 as
 * {@code UNAUTHENTICATED}, the gateway's agent refusal is {@code KEY_<reason>} ({@link #name}). The 403 codes are
 * the same everywhere.
 */
public final class DenialReasons {

    /** One row: what a denial answers. */
    public record Row(int status, String code, String message) {

        public boolean forbidden() {
            return status == 403;
        }
    }

    /** A reason this build does not know (a newer key-validator): refused as not authenticated, fail closed. */
    static final Row REFUSED = new Row(401, "API_KEY_REFUSED", "the API key was refused");

    private static final Map<DenialReason, Row> TABLE = new EnumMap<>(DenialReason.class);

    static {
        TABLE.put(DenialReason.DENIAL_REASON_MALFORMED, new Row(401, "API_KEY_MALFORMED",
                "the API key is malformed; expected pat.<account>.<token>.<secret> or sat.<...>"));
        TABLE.put(DenialReason.DENIAL_REASON_UNKNOWN, new Row(401, "API_KEY_UNKNOWN", "the API key is not known"));
        TABLE.put(DenialReason.DENIAL_REASON_EXPIRED, new Row(401, "API_KEY_EXPIRED", "the API key has expired"));
        TABLE.put(DenialReason.DENIAL_REASON_REVOKED, new Row(401, "API_KEY_REVOKED", "the API key was revoked"));
        TABLE.put(DenialReason.DENIAL_REASON_NOT_YET_VALID, new Row(401, "API_KEY_NOT_YET_VALID",
                "the API key is not valid yet"));
        TABLE.put(DenialReason.DENIAL_REASON_MISSING_PERMISSION, new Row(403, "MISSING_PERMISSION",
                "the API key lacks a permission this call needs"));
        TABLE.put(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW, new Row(403, "ABAC_SCOPE_TOO_NARROW",
                "the API key's resource groups do not cover what this call needs"));
        TABLE.put(DenialReason.DENIAL_REASON_WRONG_ACCOUNT, new Row(403, "WRONG_ACCOUNT",
                "this API key belongs to another account"));
    }

    private DenialReasons() {
    }

    public static Row of(DenialReason reason) {
        return TABLE.getOrDefault(reason, REFUSED);
    }

    /** The reason as the wire names it without its prefix, e.g. REVOKED (gRPC reason trailers build on it). */
    public static String name(DenialReason reason) {
        return reason.name().replace("DENIAL_REASON_", "");
    }
}
