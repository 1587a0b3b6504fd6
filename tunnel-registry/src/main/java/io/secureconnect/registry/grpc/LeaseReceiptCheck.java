package io.secureconnect.registry.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.identity.IdentityFiles;
import io.secureconnect.common.receipt.LeaseReceipts;
import io.secureconnect.common.receipt.ReceiptVerifier;
import io.secureconnect.common.receipt.SignedClaims;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * A gateway leases a port only for a key it validated: AcquireLease must carry the lease receipt key-validator signed
 * for this gateway, that account and that key (proto {@code LeaseReceipt}), still current. Checked before the request
 * joins the lease batch, so a refusal writes nothing: PERMISSION_DENIED with reason
 * {@code LEASE_RECEIPT_MISSING}, {@code LEASE_RECEIPT_INVALID} (not signed by key-validator of our CA, tampered,
 * unreadable), {@code LEASE_RECEIPT_EXPIRED} (more than {@link LeaseReceipts#CLOCK_SKEW} past its expiry) or
 * {@code LEASE_RECEIPT_MISMATCH} (another gateway's, account's or key's). One signature verification per call;
 * the signer's certificate chain is walked once ({@link ReceiptVerifier}).
 */
@Startup
@ApplicationScoped
public class LeaseReceiptCheck {

    private static final Logger LOG = Logger.getLogger(LeaseReceiptCheck.class);

    @ConfigProperty(name = IdentityFiles.SETTING)
    Optional<String> identityDir;

    private ReceiptVerifier verifier;

    @PostConstruct
    void load() {
        verifier = ReceiptVerifier.fromIdentity(Path.of(identityDir.orElseThrow(() ->
                new IllegalStateException(IdentityFiles.SETTING + " is not set"))));
    }

    /** Returns when the request's receipt lets {@code gatewayId} lease for its account and key; else throws. */
    public void require(AcquireLeaseRequest request, String gatewayId, Instant now) {
        if (request.getReceipt().isEmpty()) {
            throw refused(request, gatewayId, "LEASE_RECEIPT_MISSING", "AcquireLease needs the lease receipt "
                    + "key-validator signed when this gateway validated the agent's key (ValidateToken lease_receipt)");
        }
        LeaseReceipt receipt;
        try {
            receipt = LeaseReceipt.parseFrom(request.getReceipt());
        } catch (InvalidProtocolBufferException e) {
            throw refused(request, gatewayId, "LEASE_RECEIPT_INVALID", "the lease receipt is not a LeaseReceipt");
        }
        SignedClaims signed = new SignedClaims(receipt.getClaims().toByteArray(), receipt.getSignature().toByteArray(),
                receipt.getSignerCertificate().toByteArray());
        if (verifier.verify(signed, now) instanceof ReceiptVerifier.Forged forged) {
            throw refused(request, gatewayId, "LEASE_RECEIPT_INVALID", "the lease receipt is not key-validator's: "
                    + forged.why());
        }
        LeaseReceiptClaims claims;
        try {
            claims = LeaseReceiptClaims.parseFrom(signed.claims());
        } catch (InvalidProtocolBufferException e) {
            throw refused(request, gatewayId, "LEASE_RECEIPT_INVALID", "the lease receipt's claims are unreadable");
        }
        if (instant(claims.getIssuedAt()).isAfter(now.plus(LeaseReceipts.CLOCK_SKEW))) {
            throw refused(request, gatewayId, "LEASE_RECEIPT_INVALID", "the lease receipt was issued in the future");
        }
        if (now.isAfter(instant(claims.getExpiresAt()).plus(LeaseReceipts.CLOCK_SKEW))) {
            throw refused(request, gatewayId, "LEASE_RECEIPT_EXPIRED", "the lease receipt expired; validate the "
                    + "agent's key again for a new one");
        }
        if (!claims.getGatewayId().equals(gatewayId) || !claims.getAccountId().equals(request.getAccountId())
                || !claims.getApiKeyId().equals(request.getApiKeyId())) {
            throw refused(request, gatewayId, "LEASE_RECEIPT_MISMATCH", "the lease receipt is for another "
                    + (claims.getGatewayId().equals(gatewayId) ? "account or API key" : "gateway")
                    + " than this request");
        }
    }

    private static StatusRuntimeException refused(AcquireLeaseRequest request, String gatewayId, String reason,
            String message) {
        LOG.warnf("AcquireLease refused: gateway=%s account=%s reason=%s", gatewayId, printable(request.getAccountId()),
                reason);
        return GrpcFailure.of(Status.Code.PERMISSION_DENIED, reason, message);
    }

    private static String printable(String value) {
        String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shown.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
