package io.secureconnect.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.secureconnect.common.receipt.LeaseReceipts;
import io.secureconnect.common.receipt.ReceiptSigner;
import io.secureconnect.common.receipt.SignedClaims;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lease receipts a gateway would get from key-validator, for a benchmark that acts as the gateway: signed here
 * with a key-validator identity of the run's PKI ({@code --receipt-signer}, {@code pki_identity DIR service
 * key-validator}) through common's {@link ReceiptSigner}. One receipt per (account, key, gateway) is reused while it
 * has more than {@link #RENEW_BEFORE} left, so the benchmarks measure leasing, not signing.
 */
final class BenchReceipts {

    static final Duration LIFETIME = Duration.ofSeconds(60);
    static final Duration RENEW_BEFORE = Duration.ofSeconds(15);

    private record Lessee(String account, String apiKeyId, String gatewayId) {
    }

    /** @param receipt the serialized LeaseReceipt, as AcquireLeaseRequest.receipt carries it */
    private record Issued(ByteString receipt, Instant expires) {
    }

    private final ReceiptSigner signer;
    private final Map<Lessee, Issued> issued = new ConcurrentHashMap<>();

    private BenchReceipts(ReceiptSigner signer) {
        this.signer = signer;
    }

    /** Signs as the identity in {@code dir}; fails unless it is key-validator's (the registry would refuse). */
    static BenchReceipts of(String dir) {
        ReceiptSigner signer = ReceiptSigner.fromIdentity(Path.of(dir));
        if (!signer.signer().equals(LeaseReceipts.ISSUER)) {
            throw new IllegalArgumentException(dir + " is " + signer.signer() + ": tunnel-registry accepts lease "
                    + "receipts of " + LeaseReceipts.ISSUER + " only (pki_identity DIR service key-validator)");
        }
        return new BenchReceipts(signer);
    }

    /** The serialized receipt for AcquireLeaseRequest.receipt. */
    ByteString receipt(String account, String apiKeyId, String gatewayId) {
        Instant now = Instant.now();
        return issued.compute(new Lessee(account, apiKeyId, gatewayId), (lessee, current) ->
                current != null && current.expires().minus(RENEW_BEFORE).isAfter(now) ? current
                        : sign(lessee, now)).receipt();
    }

    private Issued sign(Lessee lessee, Instant now) {
        Instant expires = now.plus(LIFETIME);
        SignedClaims signed = signer.sign(LeaseReceiptClaims.newBuilder().setAccountId(lessee.account())
                .setApiKeyId(lessee.apiKeyId()).setGatewayId(lessee.gatewayId()).setIssuedAt(timestamp(now))
                .setExpiresAt(timestamp(expires)).build().toByteArray());
        return new Issued(LeaseReceipt.newBuilder().setClaims(ByteString.copyFrom(signed.claims()))
                .setSignature(ByteString.copyFrom(signed.signature()))
                .setSignerCertificate(ByteString.copyFrom(signed.signerCertificate())).build().toByteString(),
                expires);
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
