package io.secureconnect.keyvalidator.secret;

import io.secureconnect.keyvalidator.scope.Identifiers;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * A token as users hold it: {@code pat.<accountId>.<tokenId>.<secret>} for USER keys, {@code sat.} for
 * SERVICE_ACCOUNT keys. tokenId is 16 random bytes and the secret 32 random bytes, both base64url without
 * padding. {@link #toString()} never shows the secret.
 */
public final class TokenString {

    public static final int MAX_LENGTH = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** Lengths of the base64url (unpadded) token id (16 bytes) and secret (32 bytes). */
    private static final int TOKEN_ID_LENGTH = 22;
    private static final int SECRET_LENGTH = 43;

    private final ApiKeyType type;
    private final String accountId;
    private final String tokenId;
    private final String secret;

    private TokenString(ApiKeyType type, String accountId, String tokenId, String secret) {
        this.type = type;
        this.accountId = accountId;
        this.tokenId = tokenId;
        this.secret = secret;
    }

    /** A new token with a fresh id and secret from the CSPRNG. */
    public static TokenString generate(ApiKeyType type, String accountId) {
        return new TokenString(type, accountId, random(16), random(32));
    }

    /** The token, or empty when it is malformed (wrong prefix or segment count, too long, non-ASCII, empty). */
    public static Optional<TokenString> parse(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return Optional.empty();
            }
        }
        int first = value.indexOf('.');
        int second = first < 0 ? -1 : value.indexOf('.', first + 1);
        int third = second < 0 ? -1 : value.indexOf('.', second + 1);
        if (third < 0 || value.indexOf('.', third + 1) >= 0) {
            return Optional.empty();
        }
        ApiKeyType type = first != 3 ? null
                : value.startsWith("pat") ? ApiKeyType.USER : value.startsWith("sat") ? ApiKeyType.SERVICE_ACCOUNT : null;
        String accountId = value.substring(first + 1, second);
        if (type == null || !Identifiers.isValid(accountId) || !isBase64Url(value, second + 1, third, TOKEN_ID_LENGTH)
                || !isBase64Url(value, third + 1, value.length(), SECRET_LENGTH)) {
            return Optional.empty();
        }
        return Optional.of(new TokenString(type, accountId, value.substring(second + 1, third), value.substring(third + 1)));
    }

    /** True when value[from, to) is exactly {@code length} base64url characters (no padding). */
    private static boolean isBase64Url(String value, int from, int to, int length) {
        if (to - from != length) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public ApiKeyType type() {
        return type;
    }

    public String accountId() {
        return accountId;
    }

    public String tokenId() {
        return tokenId;
    }

    public String secret() {
        return secret;
    }

    /** The full token; only for the one response (or the bootstrap log line) that hands it out. */
    public String reveal() {
        return (type == ApiKeyType.USER ? "pat" : "sat") + "." + accountId + "." + tokenId + "." + secret;
    }

    @Override
    public String toString() {
        return (type == ApiKeyType.USER ? "pat" : "sat") + "." + accountId + "." + tokenId + ".<hidden>";
    }

    private static String random(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return ENCODER.encodeToString(buffer);
    }
}
