package io.secureconnect.common.credential;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The wire form of a {@link BuildCredential}: {@code v1.<base64url(JSON claims)>.<base64url(Ed25519 signature)>}.
 * It travels as the password of the proxy URL ({@code http://build:<credential>@gateway:30001}), so it uses
 * only URL-safe characters.
 *
 * <p>Signatures are plain RFC 8032 Ed25519, so the JDK's {@code Signature.getInstance("Ed25519")} verifies them too.
 * They are made and checked with BouncyCastle's Ed25519 (about 15x and 8x less CPU than the JDK 17 provider); Ed25519
 * is deterministic, so the bytes are the same as the JDK would produce for the same key and message.
 */
public final class BuildCredentialCodec {

    public static final int MAX_LENGTH = 8192;
    private static final String VERSION = "v1";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private BuildCredentialCodec() {
    }

    /** Claims as they are serialised; short names keep proxy URLs short. */
    record Claims(String acc, String bld, int prt, List<String> dst, long exp) {
    }

    /** Signs with a JDK private key; callers that sign often keep a {@link SigningKey} instead. */
    public static String sign(BuildCredential credential, PrivateKey key) {
        return sign(credential, SigningKey.of(key));
    }

    /** The wire form of the credential, signed with the key. */
    public static String sign(BuildCredential credential, SigningKey key) {
        Claims claims = new Claims(credential.accountId(), credential.buildId(), credential.port(),
                credential.destinations(), credential.expiresAt().getEpochSecond());
        try {
            String payload = ENCODER.encodeToString(JSON.writeValueAsBytes(claims));
            String signed = VERSION + "." + payload;
            return signed + "." + ENCODER.encodeToString(key.sign(signed.getBytes(StandardCharsets.US_ASCII)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot sign a build credential", e);
        }
    }

    /**
     * An Ed25519 private key ready to sign: converted once from the JDK's key, its public half computed once.
     * Immutable and safe to share between threads.
     */
    public static final class SigningKey {

        private final Ed25519PrivateKeyParameters key;

        private SigningKey(Ed25519PrivateKeyParameters key) {
            this.key = key;
            key.generatePublicKey(); // computed once here, cached by the parameters, used by every signature
        }

        /** The key of a PKCS#8 Ed25519 private key (e.g. from {@link Ed25519Keys#readPrivate}). */
        public static SigningKey of(PrivateKey key) {
            if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())) {
                throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm());
            }
            AsymmetricKeyParameter parameters;
            try {
                parameters = PrivateKeyFactory.createKey(key.getEncoded());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("not an Ed25519 private key in PKCS#8");
            }
            if (!(parameters instanceof Ed25519PrivateKeyParameters ed25519)) {
                throw new IllegalArgumentException("not an Ed25519 private key in PKCS#8");
            }
            return new SigningKey(ed25519);
        }

        /** The 64-byte RFC 8032 Ed25519 (pure) signature of the message. */
        byte[] sign(byte[] message) {
            byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
            key.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
            return signature;
        }
    }

    public static BuildCredential verify(String token, PublicKey key, Instant now) throws CredentialException {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            throw malformed("empty or longer than " + MAX_LENGTH + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            throw malformed("not of the form v1.<claims>.<signature>");
        }
        byte[] signature;
        byte[] payload;
        try {
            signature = DECODER.decode(parts[2]);
            payload = DECODER.decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw malformed("not base64url");
        }
        if (!signatureMatches(key, parts[0] + "." + parts[1], signature)) {
            throw new CredentialException(CredentialException.Reason.BAD_SIGNATURE, "signature does not verify");
        }
        Claims claims;
        try {
            claims = JSON.readValue(payload, Claims.class);
        } catch (java.io.IOException e) {
            throw malformed("claims are not readable");
        }
        if (claims.acc() == null || claims.bld() == null || claims.dst() == null) {
            throw malformed("claims lack account, build or destinations");
        }
        BuildCredential credential = new BuildCredential(claims.acc(), claims.bld(), claims.prt(), claims.dst(),
                Instant.ofEpochSecond(claims.exp()));
        if (credential.expiredAt(now)) {
            throw new CredentialException(CredentialException.Reason.EXPIRED,
                    "expired at " + credential.expiresAt());
        }
        return credential;
    }

    /** X.509 SubjectPublicKeyInfo of an Ed25519 key, up to the 32 key bytes (RFC 8410). */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03,
        0x21, 0x00};

    /** Verified with BouncyCastle's RFC 8032 Ed25519 (about 8x less CPU than the JDK 17 provider). */
    private static boolean signatureMatches(PublicKey key, String signed, byte[] signature) {
        byte[] encoded = key.getEncoded();
        if (signature.length != Ed25519.SIGNATURE_SIZE || encoded == null
                || encoded.length != ED25519_SPKI_PREFIX.length + Ed25519.PUBLIC_KEY_SIZE
                || !Arrays.equals(encoded, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0,
                        ED25519_SPKI_PREFIX.length)) {
            return false;
        }
        byte[] message = signed.getBytes(StandardCharsets.US_ASCII);
        return Ed25519.verify(signature, 0, encoded, ED25519_SPKI_PREFIX.length, message, 0, message.length);
    }

    private static CredentialException malformed(String why) {
        return new CredentialException(CredentialException.Reason.MALFORMED, "malformed credential: " + why);
    }
}
