package io.secureconnect.keyvalidator.secret;

import io.secureconnect.keyvalidator.config.KeysConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256(pepper, secret): the only form in which a token secret is stored. Secrets are 256 random bits,
 * so a slow hash would add nothing but latency; the pepper (never in the database) means a stolen database
 * alone does not allow checking guesses offline. See README "Token format and storage".
 */
@ApplicationScoped
public class SecretHasher {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public SecretHasher(KeysConfig config) {
        PepperSetting.problem(config.pepper()).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        this.key = new SecretKeySpec(config.pepper().orElseThrow().getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public byte[] hash(String secret) {
        Mac mac = macs.get();
        return mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII));
    }

    /** Constant-time comparison of the secret's hash with a stored one. */
    public boolean matches(String secret, byte[] storedHash) {
        return MessageDigest.isEqual(hash(secret), storedHash);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
        }
    }
}
