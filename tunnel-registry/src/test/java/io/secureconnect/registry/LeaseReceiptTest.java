package io.secureconnect.registry;

import static io.secureconnect.registry.Fixtures.account;
import static io.secureconnect.registry.Fixtures.fails;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.number;
import static io.secureconnect.registry.Fixtures.registry;
import static io.secureconnect.registry.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.TestPki;
import io.secureconnect.testing.TestReceipts;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AcquireLease takes a port only for a key the calling gateway validated: key-validator's lease receipt, for this
 * gateway, account and key, still current. Every other receipt is PERMISSION_DENIED with its reason, and the lease
 * tables are read back to show that nothing was written.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class LeaseReceiptTest {

    private static final String KEY = "agent-key";

    @Inject
    DataSource db;

    /** The request's account, key and gateway: what a receipt must name. */
    record Lessee(String account, String apiKeyId, String gateway) {

        LeaseReceiptClaims claims(Instant expires) {
            return Receipts.claims(account, apiKeyId, gateway, expires);
        }
    }

    record Forgery(String name, Function<Lessee, LeaseReceipt> receipt, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> forgeries() {
        Instant soon = Instant.now().plusSeconds(600);
        return Stream.of(
                new Forgery("signed by connector-policy of our CA",
                        l -> Receipts.signedBy(TestPki.shared(), "service/connector-policy", l.claims(soon)),
                        "LEASE_RECEIPT_INVALID"),
                new Forgery("signed by a gateway of our CA (the caller itself)",
                        l -> Receipts.signedBy(TestPki.shared(), "gateway/" + l.gateway(), l.claims(soon)),
                        "LEASE_RECEIPT_INVALID"),
                new Forgery("signed by key-validator of another CA",
                        l -> Receipts.signedBy(TestPki.stranger(), "service/key-validator", l.claims(soon)),
                        "LEASE_RECEIPT_INVALID"),
                new Forgery("whose claims changed after signing", l -> {
                    LeaseReceipt genuine = Receipts.valid(account(), l.apiKeyId(), l.gateway());
                    return genuine.toBuilder().setClaims(l.claims(soon).toByteString()).build();
                }, "LEASE_RECEIPT_INVALID"),
                new Forgery("whose claims have one bit flipped", l -> {
                    LeaseReceipt genuine = Receipts.valid(l.account(), l.apiKeyId(), l.gateway());
                    byte[] claims = genuine.getClaims().toByteArray();
                    claims[claims.length - 1] ^= 1;
                    return genuine.toBuilder().setClaims(ByteString.copyFrom(claims)).build();
                }, "LEASE_RECEIPT_INVALID"),
                new Forgery("without a signature", l -> Receipts.valid(l.account(), l.apiKeyId(), l.gateway()).toBuilder()
                        .clearSignature().build(), "LEASE_RECEIPT_INVALID"),
                new Forgery("with a signature that is not one", l -> Receipts.valid(l.account(), l.apiKeyId(), l.gateway())
                        .toBuilder().setSignature(ByteString.copyFromUtf8("not a signature")).build(),
                        "LEASE_RECEIPT_INVALID"),
                new Forgery("with a signer certificate that is not one", l -> Receipts.valid(l.account(), l.apiKeyId(),
                        l.gateway()).toBuilder().setSignerCertificate(ByteString.copyFromUtf8("garbage")).build(),
                        "LEASE_RECEIPT_INVALID"),
                new Forgery("whose claims are not LeaseReceiptClaims", l -> Receipts.of(TestReceipts.signer(
                        TestPki.shared().identity(TestReceipts.ISSUER)).sign(new byte[] {0x0a, 0x01, (byte) 0xff})),
                        "LEASE_RECEIPT_INVALID"),
                new Forgery("issued in the future", l -> Receipts.of(TestReceipts.sign(
                        l.claims(Instant.now().plusSeconds(180)))), "LEASE_RECEIPT_INVALID"),
                new Forgery("that expired 6 s ago", l -> Receipts.of(TestReceipts.sign(
                        l.claims(Instant.now().minusSeconds(6)))), "LEASE_RECEIPT_EXPIRED"),
                new Forgery("for another gateway", l -> Receipts.valid(l.account(), l.apiKeyId(), unique("gw")),
                        "LEASE_RECEIPT_MISMATCH"),
                new Forgery("for another account", l -> Receipts.valid(account(), l.apiKeyId(), l.gateway()),
                        "LEASE_RECEIPT_MISMATCH"),
                new Forgery("for another key of the account", l -> Receipts.valid(l.account(), "other-key",
                        l.gateway()), "LEASE_RECEIPT_MISMATCH")
        ).map(Arguments::of);
    }

    private static AcquireLeaseRequest.Builder request(Lessee lessee) {
        return AcquireLeaseRequest.newBuilder().setAccountId(lessee.account()).setPort(0)
                .setApiKeyId(lessee.apiKeyId()).setGatewayId(lessee.gateway()).setAgentId("agent");
    }

    @Test
    void refusesAnAcquisitionWithoutAReceipt() {
        Lessee lessee = new Lessee(account(), KEY, gateway());
        fails(Status.Code.PERMISSION_DENIED, "LEASE_RECEIPT_MISSING",
                () -> registry().acquireLease(request(lessee).build()));
        assertNothingWritten(lessee);
    }

    @Test
    void refusesBytesThatAreNotALeaseReceipt() {
        Lessee lessee = new Lessee(account(), KEY, gateway());
        fails(Status.Code.PERMISSION_DENIED, "LEASE_RECEIPT_INVALID", () -> registry().acquireLease(request(lessee)
                .setReceipt(ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x01})).build()));
        assertNothingWritten(lessee);
    }

    @ParameterizedTest(name = "refuses a receipt {0}")
    @MethodSource("forgeries")
    void refusesAReceiptThatIsNotKeyValidatorsForThisLease(Forgery forgery) {
        Lessee lessee = new Lessee(account(), KEY, gateway());
        LeaseReceipt receipt = forgery.receipt().apply(lessee);
        fails(Status.Code.PERMISSION_DENIED, forgery.reason(),
                () -> registry().acquireLease(request(lessee).setReceipt(receipt.toByteString()).build()));
        assertNothingWritten(lessee);
    }

    @Test
    void refusesAReceiptOfAnotherGatewayEvenForTheSamePortItHolds() {
        String account = account();
        String holder = gateway();
        int port = Fixtures.acquire(account, 0, KEY, holder).getLease().getPort();
        Lessee thief = new Lessee(account, KEY, gateway());
        fails(Status.Code.PERMISSION_DENIED, "LEASE_RECEIPT_MISMATCH", () -> registry().acquireLease(
                request(thief).setPort(port).setReceipt(Receipts.valid(account, KEY, holder).toByteString()).build()));
        assertEquals(1, number(db, "SELECT count(*) FROM lease WHERE account_id = ? AND gateway_id = ?"
                + " AND state = 'LIVE'", account, holder), "the holder keeps its lease");
    }

    @Test
    void acceptsAReceiptJustPastItsExpiryWithinTheClockSkew() {
        Lessee lessee = new Lessee(account(), KEY, gateway());
        LeaseReceipt late = Receipts.of(TestReceipts.sign(
                lessee.claims(Instant.now().minusSeconds(2))));
        assertTrue(registry().acquireLease(request(lessee).setReceipt(late.toByteString()).build()).getLease().getPort() > 0);
    }

    @Test
    void acceptsOneSignerCertificateForManyReceipts() {
        String gw = gateway();
        for (int i = 0; i < 5; i++) {
            Lessee lessee = new Lessee(account(), KEY + i, gw);
            assertTrue(registry().acquireLease(request(lessee).setReceipt(Receipts.valid(lessee.account(),
                    lessee.apiKeyId(), gw).toByteString()).build()).hasLease());
        }
    }

    private void assertNothingWritten(Lessee lessee) {
        assertEquals(0, number(db, "SELECT count(*) FROM lease WHERE account_id = ?", lessee.account()));
        assertEquals(0, number(db, "SELECT count(*) FROM lease_event WHERE account_id = ?", lessee.account()));
        assertEquals(0, number(db, "SELECT count(*) FROM tunnel WHERE account_id = ?", lessee.account()));
    }
}
