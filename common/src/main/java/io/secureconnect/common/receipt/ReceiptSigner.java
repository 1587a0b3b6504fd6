package io.secureconnect.common.receipt;

import io.secureconnect.common.identity.Peer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Signs lease receipt claims as this process: with the private key of its identity ({@code tls.key}, PKCS#8 EC
 * P-256, in {@code secureconnect.identity.dir}), attaching its certificate ({@code tls.crt}). Only key-validator's
 * signature is accepted ({@link LeaseReceipts#ISSUER}); the benchmarks and test fixtures sign with a key-validator
 * identity of their own PKI. Thread-safe.
 */
public final class ReceiptSigner {

    private final PrivateKey key;
    private final byte[] certificate;
    private final Peer signer;

    private ReceiptSigner(PrivateKey key, X509Certificate certificate) throws GeneralSecurityException {
        this.key = key;
        this.certificate = certificate.getEncoded();
        this.signer = Peer.of(certificate).orElseThrow(() -> new GeneralSecurityException(
                "the signing certificate names no " + Peer.URI_PREFIX + "<kind>/<name> identity"));
    }

    /** The signer of the identity directory {@code dir} ({@code tls.key}, {@code tls.crt}). */
    public static ReceiptSigner fromIdentity(Path dir) {
        try {
            return new ReceiptSigner(privateKey(dir.resolve("tls.key")),
                    LeaseReceipts.certificates(dir.resolve("tls.crt")).get(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | IndexOutOfBoundsException e) {
            throw new IllegalStateException(dir + ": tls.key and tls.crt must be an EC key and its certificate ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Who signs: the identity its certificate names. */
    public Peer signer() {
        return signer;
    }

    /** {@code claims} (the serialized LeaseReceiptClaims) signed by this identity. */
    public SignedClaims sign(byte[] claims) {
        try {
            Signature signature = LeaseReceipts.signature();
            signature.initSign(key);
            signature.update(claims);
            return new SignedClaims(claims.clone(), signature.sign(), certificate.clone());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a lease receipt: " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf("-----END PRIVATE KEY-----");
        if (from < 0 || to < from) {
            throw new GeneralSecurityException(pem + " holds no PKCS#8 'PRIVATE KEY' PEM block");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
