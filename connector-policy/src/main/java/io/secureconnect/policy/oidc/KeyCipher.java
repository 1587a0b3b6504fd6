package io.secureconnect.policy.oidc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals signing keys for the database with AES-256-GCM under the key-encryption key: a fresh 12-byte nonce, then
 * ciphertext and 128-bit tag; the kid is associated data, so a sealed key cannot be moved to another row.
 * {@link #toString()} never shows the key.
 */
final class KeyCipher {

    static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey kek;

    KeyCipher(byte[] kek) {
        if (kek.length != KEY_BYTES) {
            throw new IllegalArgumentException("the key-encryption key must be " + KEY_BYTES + " bytes");
        }
        this.kek = new SecretKeySpec(kek, "AES");
    }

    /** From the configured base64 text; the message never contains the text. */
    static KeyCipher fromBase64(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key-encryption key is not base64");
        }
        return new KeyCipher(bytes);
    }

    byte[] seal(String kid, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The plaintext; GeneralSecurityException (AEADBadTagException) under another KEK or another kid. */
    byte[] open(String kid, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length <= NONCE_BYTES) {
            throw new GeneralSecurityException("sealed key is too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
        cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    }

    @Override
    public String toString() {
        return "KeyCipher[AES-256-GCM, key hidden]";
    }
}
