package io.secureconnect.common.receipt;

import io.secureconnect.common.identity.Peer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Checks that lease receipt claims are genuine: the signer's certificate chains to the deployment's CA
 * ({@code ca.crt} of this process's identity), is within its validity and names exactly {@link LeaseReceipts#ISSUER}
 * (one URI SAN, see {@link Peer}), and the signature over the claims bytes is its key's. What the claims say
 * (expiry, gateway, account, key) is the caller's to check once they are genuine.
 *
 * <p>A certificate that passed is remembered by its bytes (at most {@value #MAX_CACHED} of them; key-validator's
 * replicas and their rotations), so a receipt costs one signature verification, not a chain walk; its validity is
 * still checked against the clock on every use. Thread-safe.
 */
public final class ReceiptVerifier {

    static final int MAX_CACHED = 64;

    private final Set<TrustAnchor> anchors;
    private final Map<ByteBuffer, Signer> verified = new ConcurrentHashMap<>();

    /** The answer; {@link Forged} says why for logs and the caller's error, without echoing the receipt. */
    public sealed interface Outcome {
    }

    public record Genuine() implements Outcome {
    }

    public record Forged(String why) implements Outcome {
    }

    private record Signer(PublicKey key, Instant notBefore, Instant notAfter) {
    }

    ReceiptVerifier(List<X509Certificate> authorities) {
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("a receipt verifier needs the deployment's CA");
        }
        this.anchors = authorities.stream().map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toSet());
    }

    /** Trusts the CA(s) of the identity directory {@code dir} ({@code ca.crt}). */
    public static ReceiptVerifier fromIdentity(Path dir) {
        try {
            return new ReceiptVerifier(LeaseReceipts.certificates(dir.resolve("ca.crt")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(dir + "/ca.crt is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    public Outcome verify(SignedClaims receipt, Instant now) {
        if (receipt.claims().length == 0 || receipt.signature().length == 0
                || receipt.signerCertificate().length == 0) {
            return new Forged("the receipt lacks claims, signature or signer certificate");
        }
        ByteBuffer id = ByteBuffer.wrap(receipt.signerCertificate());
        Signer signer = verified.get(id);
        if (signer == null) {
            try {
                signer = checkSigner(receipt.signerCertificate(), now);
            } catch (NotTheIssuer e) {
                return new Forged(e.getMessage());
            }
            if (verified.size() >= MAX_CACHED) {
                verified.clear();
            }
            verified.put(ByteBuffer.wrap(receipt.signerCertificate().clone()), signer);
        }
        if (now.isBefore(signer.notBefore()) || now.isAfter(signer.notAfter())) {
            return new Forged("the signer's certificate is not valid now");
        }
        try {
            Signature signature = LeaseReceipts.signature();
            signature.initVerify(signer.key());
            signature.update(receipt.claims());
            return signature.verify(receipt.signature()) ? new Genuine()
                    : new Forged("the signature does not match the claims");
        } catch (GeneralSecurityException e) {
            return new Forged("the signature cannot be checked: " + e.getMessage());
        }
    }

    /** The signer of a current certificate of our CA naming the issuer. */
    private Signer checkSigner(byte[] der, Instant now) throws NotTheIssuer {
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new NotTheIssuer("the signer certificate is not a DER X.509 certificate");
        }
        Optional<Peer> peer = Peer.of(certificate);
        if (!peer.equals(Optional.of(LeaseReceipts.ISSUER))) {
            throw new NotTheIssuer("the signer is " + peer.map(Peer::toString).orElse("nobody") + ", not "
                    + LeaseReceipts.ISSUER);
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                    .generateCertPath(List.of(certificate)), parameters);
        } catch (GeneralSecurityException e) {
            throw new NotTheIssuer("the signer certificate is not a current certificate of the deployment's CA");
        }
        return new Signer(certificate.getPublicKey(), certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
    }

    private static final class NotTheIssuer extends Exception {

        NotTheIssuer(String why) {
            super(why, null, false, false);
        }
    }
}
