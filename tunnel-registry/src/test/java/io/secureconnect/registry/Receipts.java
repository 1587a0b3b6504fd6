package io.secureconnect.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.secureconnect.common.receipt.SignedClaims;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.testing.TestPki;
import io.secureconnect.testing.TestReceipts;
import java.time.Duration;
import java.time.Instant;

/** Lease receipts as key-validator gives them to a gateway (signed by the test PKI's key-validator), and forgeries. */
public final class Receipts {

    private Receipts() {
    }

    /** The request with a genuine receipt for its own account, key and gateway. */
    public static AcquireLeaseRequest receipted(AcquireLeaseRequest.Builder request) {
        return request.setReceipt(valid(request.getAccountId(), request.getApiKeyId(), request.getGatewayId())
                .toByteString()).build();
    }

    public static LeaseReceipt valid(String account, String apiKeyId, String gatewayId) {
        return of(TestReceipts.sign(claims(account, apiKeyId, gatewayId, Instant.now().plusSeconds(60))));
    }

    public static LeaseReceiptClaims claims(String account, String apiKeyId, String gatewayId, Instant expires) {
        return LeaseReceiptClaims.newBuilder().setAccountId(account).setApiKeyId(apiKeyId).setGatewayId(gatewayId)
                .setIssuedAt(timestamp(expires.minus(Duration.ofSeconds(60))))
                .setExpiresAt(timestamp(expires)).build();
    }

    /** Signed by {@code peer} of {@code pki} (e.g. connector-policy of our CA, or key-validator of a stranger CA). */
    public static LeaseReceipt signedBy(TestPki pki, String peer, LeaseReceiptClaims claims) {
        return of(TestReceipts.signAs(pki, peer, claims));
    }

    public static LeaseReceipt of(SignedClaims signed) {
        return LeaseReceipt.newBuilder().setClaims(ByteString.copyFrom(signed.claims()))
                .setSignature(ByteString.copyFrom(signed.signature()))
                .setSignerCertificate(ByteString.copyFrom(signed.signerCertificate())).build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
