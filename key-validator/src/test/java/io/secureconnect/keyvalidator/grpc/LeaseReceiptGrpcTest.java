package io.secureconnect.keyvalidator.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.receipt.ReceiptVerifier;
import io.secureconnect.common.receipt.SignedClaims;
import io.secureconnect.keyvalidator.role.PrincipalType;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.keyvalidator.support.TestIdentity;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;
import io.secureconnect.testing.TestPki;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Lease receipts on ValidateToken: signed only for a gateway that asked, about a valid token, naming the gateway of
 * its certificate; the common verifier (as tunnel-registry uses it) accepts them.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class LeaseReceiptGrpcTest {

    @Inject
    Fixtures fixtures;

    String account;
    String key;
    String token;
    Grpc gateway;

    @BeforeEach
    void newKey() {
        account = Fixtures.unique("acct");
        String parent = Fixtures.unique("user");
        key = fixtures.key(Scope.account(account), ApiKeyType.USER, parent);
        fixtures.bind(Scope.account(account), PrincipalType.USER, parent, "_pipeline_viewer", true, List.of());
        token = fixtures.token(Scope.account(account), key, null, null);
        gateway = Grpc.toTestService();
    }

    @AfterEach
    void closeClient() throws InterruptedException {
        gateway.close();
    }

    static ValidateTokenRequest.Builder asking(String value) {
        return ValidateTokenRequest.newBuilder().setToken(value).addRequiredPermissions("core_pipeline_view")
                .setRequireAbacAll(true).setLeaseReceipt(true);
    }

    @Test
    void signsNoReceiptForAnUnknownOrMalformedToken() {
        String[] parts = token.split("\\.");
        for (String bad : new String[] {parts[0] + "." + parts[1] + "." + parts[2] + "." + "B".repeat(43), "pat.x"}) {
            ValidateTokenResponse answer = gateway.blocking().validateToken(asking(bad).build());
            assertFalse(answer.getValid());
            assertFalse(answer.hasLeaseReceipt(), "a refused token gets no receipt");
        }
    }

    @Test
    void signsNoReceiptForATokenMissingThePermission() {
        ValidateTokenResponse answer = gateway.blocking().validateToken(asking(token)
                .addRequiredPermissions("core_connector_edit").build());
        assertEquals(DenialReason.DENIAL_REASON_MISSING_PERMISSION, answer.getReason());
        assertFalse(answer.hasLeaseReceipt());
    }

    @Test
    void signsNoReceiptUnlessAsked() {
        ValidateTokenResponse answer = gateway.blocking().validateToken(asking(token).setLeaseReceipt(false).build());
        assertTrue(answer.getValid());
        assertFalse(answer.hasLeaseReceipt());
    }

    @Test
    void signsNoReceiptForAServiceThatAsks() throws InterruptedException {
        try (Grpc service = Grpc.over(TestChannels.as("service/connector-policy", IdentityResource.grpcPort()))) {
            ValidateTokenResponse answer = service.blocking().validateToken(asking(token).build());
            assertTrue(answer.getValid(), answer.getMessage());
            assertFalse(answer.hasLeaseReceipt(), "only a gateway leases ports");
        }
    }

    @Test
    void signsAReceiptForTheAskingGatewayThatTheCommonVerifierAccepts() throws InvalidProtocolBufferException {
        Instant before = Instant.now();
        ValidateTokenResponse answer = gateway.blocking().validateToken(asking(token).build());
        assertTrue(answer.getValid(), answer.getMessage());
        assertTrue(answer.hasLeaseReceipt());

        LeaseReceipt receipt = answer.getLeaseReceipt();
        LeaseReceiptClaims claims = LeaseReceiptClaims.parseFrom(receipt.getClaims());
        assertEquals(account, claims.getAccountId());
        assertEquals(key, claims.getApiKeyId());
        assertEquals(TestIdentity.GATEWAY.substring("gateway/".length()), claims.getGatewayId());
        Instant issued = Instant.ofEpochSecond(claims.getIssuedAt().getSeconds(), claims.getIssuedAt().getNanos());
        Instant expires = Instant.ofEpochSecond(claims.getExpiresAt().getSeconds(), claims.getExpiresAt().getNanos());
        assertFalse(issued.isBefore(before.minusSeconds(1)));
        assertEquals(Duration.ofSeconds(60), Duration.between(issued, expires), "the default lifetime");

        ReceiptVerifier verifier = ReceiptVerifier.fromIdentity(TestPki.shared().identity(TestIdentity.GATEWAY));
        SignedClaims signed = new SignedClaims(receipt.getClaims().toByteArray(), receipt.getSignature().toByteArray(),
                receipt.getSignerCertificate().toByteArray());
        assertInstanceOf(ReceiptVerifier.Genuine.class, verifier.verify(signed, Instant.now()));
        byte[] tampered = signed.claims().clone();
        tampered[tampered.length - 1] ^= 1;
        assertInstanceOf(ReceiptVerifier.Forged.class, verifier.verify(
                new SignedClaims(tampered, signed.signature(), signed.signerCertificate()), Instant.now()));
    }

    @Test
    void aReceiptNeverOutlivesItsToken() throws InvalidProtocolBufferException {
        Instant tokenEnds = Instant.now().plusSeconds(20);
        String shortLived = fixtures.token(Scope.account(account), key, null, tokenEnds);
        ValidateTokenResponse answer = gateway.blocking().validateToken(asking(shortLived).build());
        assertTrue(answer.getValid(), answer.getMessage());
        LeaseReceiptClaims claims = LeaseReceiptClaims.parseFrom(answer.getLeaseReceipt().getClaims());
        assertFalse(claims.getExpiresAt().getSeconds() > tokenEnds.getEpochSecond());
    }
}
