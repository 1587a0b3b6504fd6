package io.secureconnect.common.oidc;

import io.quarkus.security.AuthenticationFailedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Why a bearer token was refused, in a few words fit for a log line and a problem detail. Built from the
 * exception's type and jose4j's error codes only, never from exception messages: those may quote the token.
 */
public final class TokenRefusal {

    private TokenRefusal() {
    }

    /**
     * The reason for an authentication failure, or empty when the failure is not the token's fault. quarkus-oidc
     * drops the cause for some refusals (alg none, an unknown key id); the token's own header then tells them apart.
     */
    public static Optional<String> reason(Throwable failure, String token) {
        if (!(failure instanceof AuthenticationFailedException)) {
            return Optional.empty();
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException jwt) {
                return Optional.of(describe(jwt));
            }
            if (cause instanceof InvalidAlgorithmException) {
                return Optional.of(NO_ALGORITHM);
            }
            if (cause instanceof UnresolvableKeyException) {
                return Optional.of("it is not a JWT signed with a key the provider publishes");
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return Optional.of(unsigned(token) ? NO_ALGORITHM : "it is not a JWT signed with a key the provider publishes");
    }

    private static final String NO_ALGORITHM = "its signature algorithm is not allowed (e.g. alg none)";

    /** True when the token's header names no algorithm or {@code none}; false when it cannot be read. */
    static boolean unsigned(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        try {
            String header = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            String alg = JsonUtil.parseJson(header).getOrDefault("alg", "").toString();
            return alg.isBlank() || alg.equalsIgnoreCase("none");
        } catch (IllegalArgumentException | JoseException e) {
            return false;
        }
    }

    /** The exception types of a failure and its causes, e.g. for a debug line (types never quote a token). */
    public static String chain(Throwable failure) {
        StringBuilder types = new StringBuilder();
        for (Throwable cause = failure; cause != null && types.length() < 400; cause = cause.getCause()) {
            types.append(types.length() == 0 ? "" : " <- ").append(cause.getClass().getName());
            if (cause instanceof InvalidJwtException jwt) {
                jwt.getErrorDetails().forEach(detail -> types.append(" code ").append(detail.getErrorCode()));
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return types.toString();
    }

    private static String describe(InvalidJwtException jwt) {
        if (jwt.hasExpired()) {
            return "it has expired";
        }
        if (jwt.hasErrorCode(ErrorCodes.NOT_YET_VALID) || jwt.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
            return "it is not valid yet";
        }
        if (jwt.hasErrorCode(ErrorCodes.ISSUER_INVALID) || jwt.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "it was issued by another issuer";
        }
        if (jwt.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || jwt.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "it is meant for another audience";
        }
        if (jwt.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || jwt.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return "its signature does not verify";
        }
        if (jwt.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return "it has no expiry";
        }
        for (Throwable cause = jwt.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidAlgorithmException) {
                return NO_ALGORITHM;
            }
            if (cause instanceof UnresolvableKeyException) {
                return "it is not a JWT signed with a key the provider publishes";
            }
        }
        return "it is not a well-formed signed JWT";
    }
}
