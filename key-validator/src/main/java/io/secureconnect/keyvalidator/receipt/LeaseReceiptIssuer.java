package io.secureconnect.keyvalidator.receipt;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.secureconnect.common.identity.IdentityFiles;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.identity.PeerKind;
import io.secureconnect.common.receipt.ReceiptSigner;
import io.secureconnect.common.receipt.SignedClaims;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Signs lease receipts (proto {@code LeaseReceipt}): "gateway G validated a key of account A with id K", with this
 * service's identity key, for {@code secureconnect.keys.lease-receipt-lifetime} (never past the token's own
 * validity). Only a gateway gets one, and only for itself: the gateway id is its authenticated identity's, never a
 * request field. A ValidateToken that does not ask for one costs nothing here.
 */
@Startup
@ApplicationScoped
public class LeaseReceiptIssuer {

    static final Duration MAX_LIFETIME = Duration.ofHours(1);

    @Inject
    KeysConfig config;

    @ConfigProperty(name = IdentityFiles.SETTING)
    Optional<String> identityDir;

    private ReceiptSigner signer;

    /** At start-up: a bad lifetime or an unreadable identity key stops the service with a line naming it. */
    @PostConstruct
    void load() {
        Duration lifetime = config.leaseReceiptLifetime();
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalStateException("secureconnect.keys.lease-receipt-lifetime=" + lifetime
                    + ": must be more than 0 and at most " + MAX_LIFETIME);
        }
        signer = ReceiptSigner.fromIdentity(Path.of(identityDir.orElseThrow(() ->
                new IllegalStateException(IdentityFiles.SETTING + " is not set"))));
    }

    /**
     * The gateway a receipt names: the caller's own id, when it is a gateway. Any other caller gets a valid answer
     * without a receipt (it has no lease to take).
     */
    public static Optional<String> recipient(Optional<Peer> caller) {
        if (caller.isEmpty() || caller.get().kind() != PeerKind.GATEWAY) {
            return Optional.empty();
        }
        return Optional.of(caller.get().name());
    }

    public LeaseReceipt issue(String gatewayId, String accountId, String apiKeyId, Instant tokenValidUntil) {
        Instant now = Instant.now();
        Instant expires = now.plus(config.leaseReceiptLifetime());
        if (tokenValidUntil != null && tokenValidUntil.isBefore(expires)) {
            expires = tokenValidUntil;
        }
        LeaseReceiptClaims claims = LeaseReceiptClaims.newBuilder().setAccountId(accountId).setApiKeyId(apiKeyId)
                .setGatewayId(gatewayId).setIssuedAt(timestamp(now)).setExpiresAt(timestamp(expires)).build();
        SignedClaims signed = signer.sign(claims.toByteArray());
        return LeaseReceipt.newBuilder().setClaims(ByteString.copyFrom(signed.claims()))
                .setSignature(ByteString.copyFrom(signed.signature()))
                .setSignerCertificate(ByteString.copyFrom(signed.signerCertificate())).build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
