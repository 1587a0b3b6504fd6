package io.secureconnect.testing;

import com.google.protobuf.MessageLite;
import io.secureconnect.common.receipt.ReceiptSigner;
import io.secureconnect.common.receipt.SignedClaims;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lease receipts as key-validator signs them, for tests that act as a gateway towards tunnel-registry (or fake it):
 * the claims (each module's generated {@code LeaseReceiptClaims}) signed with common's {@link ReceiptSigner} by the
 * test run's {@code service/key-validator} identity, or, for "a forged receipt is refused" tests, by another
 * identity or CA. Each module maps the {@link SignedClaims} to its generated {@code LeaseReceipt}.
 */
public final class TestReceipts {

    public static final String ISSUER = "service/key-validator";
    private static final Map<Path, ReceiptSigner> SIGNERS = new ConcurrentHashMap<>();

    private TestReceipts() {
    }

    /** Signed by key-validator's identity of the test run's PKI: a genuine receipt. */
    public static SignedClaims sign(MessageLite claims) {
        return signAs(TestPki.shared(), ISSUER, claims);
    }

    /** Signed by {@code peer} (e.g. {@code service/connector-policy}) of {@code pki}. */
    public static SignedClaims signAs(TestPki pki, String peer, MessageLite claims) {
        return signer(pki.identity(peer)).sign(claims.toByteArray());
    }

    /** The signer of an identity directory (cached: loading the key is the costly part). */
    public static ReceiptSigner signer(Path identity) {
        return SIGNERS.computeIfAbsent(identity, ReceiptSigner::fromIdentity);
    }
}
