package io.secureconnect.common.credential;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The wire form of a {@link BuildCredential}: {@code v1.<base64url(JSON claims)>.<base64url(Ed25519 signature)>}.
 * It travels as the password of the proxy URL ({@code http://build:<credential>@gateway:30001}), so it uses
 * only URL-safe characters.
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

    public static String sign(BuildCredential credential, PrivateKey key) {
        Claims claims = new Claims(credential.accountId(), credential.buildId(), credential.port(),
                credential.destinations(), credential.expiresAt().getEpochSecond());
        try {
            String payload = ENCODER.encodeToString(JSON.writeValueAsBytes(claims));
            String signed = VERSION + "." + payload;
            return signed + "." + ENCODER.encodeToString(signature(key, signed));
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a build credential", e);
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

    private static byte[] signature(PrivateKey key, String signed) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(signed.getBytes(StandardCharsets.US_ASCII));
        return signer.sign();
    }

    private static boolean signatureMatches(PublicKey key, String signed, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signed.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static CredentialException malformed(String why) {
        return new CredentialException(CredentialException.Reason.MALFORMED, "malformed credential: " + why);
    }
}
