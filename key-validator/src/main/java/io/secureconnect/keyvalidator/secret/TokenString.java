package io.secureconnect.keyvalidator.secret;

import io.secureconnect.keyvalidator.apikey.ApiKeyType;
import io.secureconnect.keyvalidator.scope.Identifiers;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A token as users hold it: {@code pat.<accountId>.<tokenId>.<secret>} for USER keys, {@code sat.} for
 * SERVICE_ACCOUNT keys. tokenId is 16 random bytes and the secret 32 random bytes, both base64url without
 * padding. {@link #toString()} never shows the secret.
 */
public final class TokenString {

    public static final int MAX_LENGTH = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern TOKEN_ID = Pattern.compile("^[A-Za-z0-9_-]{22}$");
    private static final Pattern SECRET = Pattern.compile("^[A-Za-z0-9_-]{43}$");

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
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        ApiKeyType type = switch (parts[0]) {
            case "pat" -> ApiKeyType.USER;
            case "sat" -> ApiKeyType.SERVICE_ACCOUNT;
            default -> null;
        };
        if (type == null || !Identifiers.isValid(parts[1]) || !TOKEN_ID.matcher(parts[2]).matches()
                || !SECRET.matcher(parts[3]).matches()) {
            return Optional.empty();
        }
        return Optional.of(new TokenString(type, parts[1], parts[2], parts[3]));
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
