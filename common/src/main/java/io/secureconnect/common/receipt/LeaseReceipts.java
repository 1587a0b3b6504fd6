package io.secureconnect.common.receipt;

import io.secureconnect.common.identity.Peer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * What signer ({@link ReceiptSigner}) and verifier ({@link ReceiptVerifier}) of lease receipts agree on, written
 * once: who may sign, the algorithm, the clock skew a verifier allows. A lease receipt is key-validator's statement
 * that a gateway validated an API key of an account (proto {@code LeaseReceipt}); tunnel-registry leases a port only
 * against one, so a gateway cannot lease for an account whose key it never validated.
 */
public final class LeaseReceipts {

    /** The only identity whose signature makes a receipt. */
    public static final Peer ISSUER = Peer.service("key-validator");
    /** Over the claims bytes, with the P-256 key of the signer's identity ({@code tls.key}). */
    public static final String ALGORITHM = "SHA256withECDSA";
    /** How far the verifier's clock may lag the signer's: a receipt is refused this long after its expiry. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

    /**
     * BouncyCastle's ECDSA, not the JDK's: the same signatures, but on JDK 17 SunEC verifies a P-256 signature in
     * ~0.9 ms and BouncyCastle in ~0.2 ms on the benchmark machine, and the registry verifies one per AcquireLease.
     * Used as an instance, never installed as a JCA provider.
     */
    private static final Provider PROVIDER = new BouncyCastleProvider();

    private LeaseReceipts() {
    }

    /** A fresh signature engine for {@link #ALGORITHM}. */
    static Signature signature() throws GeneralSecurityException {
        return Signature.getInstance(ALGORITHM, PROVIDER);
    }

    static List<X509Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        }
    }
}
