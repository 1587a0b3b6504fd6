package io.secureconnect.policy.oidc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.policy.testsupport.PolicyTestDependencies;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The private signing keys in PostgreSQL are sealed: no plaintext in the row, and only the configured KEK opens them. */
@QuarkusTest
class SealedSigningKeyTest {

    @Inject
    SigningKeys keys;

    @Inject
    AgroalDataSource database;

    @Test
    void storesThePrivateKeySealedSoThatTheRowHoldsNoPlaintextAndOnlyTheKekOpensIt() throws Exception {
        String kid = keys.current().kid();
        byte[] publicDer;
        byte[] sealed;
        try (Connection connection = database.getConnection(); PreparedStatement statement = connection.prepareStatement(
                "SELECT public_key, private_key_sealed FROM oidc_signing_key WHERE kid = ?")) {
            statement.setString(1, kid);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                publicDer = row.getBytes(1);
                sealed = row.getBytes(2);
            }
        }
        KeyCipher configured = KeyCipher.fromBase64(ConfigProvider.getConfig()
                .getValue(PolicyTestDependencies.OIDC_KEK, String.class));
        byte[] pkcs8 = configured.open(kid, sealed);
        RSAPrivateCrtKey privateKey = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(publicDer));
        assertEquals(publicKey.getModulus(), privateKey.getModulus(), "the sealed key is the published key's pair");

        String stored = new String(sealed, StandardCharsets.ISO_8859_1);
        assertFalse(contains(sealed, pkcs8), "no PKCS#8 DER in the row");
        assertFalse(contains(sealed, privateKey.getPrivateExponent().toByteArray()), "no private exponent in the row");
        assertFalse(contains(sealed, privateKey.getPrimeP().toByteArray()), "no prime in the row");
        String pemBody = Base64.getMimeEncoder().encodeToString(pkcs8);
        assertFalse(stored.contains(pemBody.substring(0, 64)), "no PEM in the row");
        assertFalse(stored.contains("PRIVATE KEY"));

        byte[] otherKek = new byte[32];
        new SecureRandom().nextBytes(otherKek);
        assertThrows(AEADBadTagException.class, () -> new KeyCipher(otherKek).open(kid, sealed),
                "another key-encryption key cannot open it");
        assertThrows(AEADBadTagException.class, () -> configured.open("another-kid", sealed),
                "a sealed key cannot be moved to another row");
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThrows(AEADBadTagException.class, () -> configured.open(kid, flipped), "tampering is detected");
        assertArrayEquals(pkcs8, configured.open(kid, sealed));
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
