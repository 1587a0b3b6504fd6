package io.secureconnect.common.credential;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildCredentialCodecTest {

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private final KeyPair keys = Ed25519Keys.generate();
    private final BuildCredential credential = new BuildCredential("acme", "build_42", 30001,
            List.of("bitbucket.myorg.com:443", "*.corp.example"), NOW.plusSeconds(600));

    @Test
    void aSignedCredentialVerifiesToWhatWasSigned() throws Exception {
        String token = BuildCredentialCodec.sign(credential, keys.getPrivate());
        assertTrue(token.matches("v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"), "URL-safe: " + token);
        assertEquals(credential, BuildCredentialCodec.verify(token, keys.getPublic(), NOW));
    }

    @Test
    void refusesACredentialSignedByAnotherKey() {
        String token = BuildCredentialCodec.sign(credential, Ed25519Keys.generate().getPrivate());
        CredentialException e = assertThrows(CredentialException.class,
                () -> BuildCredentialCodec.verify(token, keys.getPublic(), NOW));
        assertEquals(CredentialException.Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void refusesClaimsChangedAfterSigning() {
        String token = BuildCredentialCodec.sign(credential, keys.getPrivate());
        String[] parts = token.split("\\.");
        String otherClaims = BuildCredentialCodec.sign(new BuildCredential("other", "build_42", 30001,
                List.of("bitbucket.myorg.com:443"), NOW.plusSeconds(600)), keys.getPrivate()).split("\\.")[1];
        String forged = parts[0] + "." + otherClaims + "." + parts[2];
        CredentialException e = assertThrows(CredentialException.class,
                () -> BuildCredentialCodec.verify(forged, keys.getPublic(), NOW));
        assertEquals(CredentialException.Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void refusesAnExpiredCredential() {
        String token = BuildCredentialCodec.sign(credential, keys.getPrivate());
        CredentialException e = assertThrows(CredentialException.class,
                () -> BuildCredentialCodec.verify(token, keys.getPublic(), NOW.plusSeconds(600)));
        assertEquals(CredentialException.Reason.EXPIRED, e.reason());
    }

    @Test
    void refusesMalformedCredentialsWithoutEchoingThem() {
        for (String bad : new String[] {"", "v1", "v2.a.b", "v1.a.b.c", "v1.!!.??", "x".repeat(9000)}) {
            CredentialException e = assertThrows(CredentialException.class,
                    () -> BuildCredentialCodec.verify(bad, keys.getPublic(), NOW), bad);
            assertEquals(CredentialException.Reason.MALFORMED, e.reason(), bad);
            assertTrue(bad.length() < 3 || !e.getMessage().contains(bad), "message echoes the credential");
        }
    }

    @Test
    void readsKeysWrittenAsPem(@TempDir Path dir) throws Exception {
        Path privatePem = Files.writeString(dir.resolve("signing.pem"), Ed25519Keys.pem(keys.getPrivate()));
        Path publicPem = Files.writeString(dir.resolve("verify.pem"), Ed25519Keys.pem(keys.getPublic()));
        String token = BuildCredentialCodec.sign(credential, Ed25519Keys.readPrivate(privatePem));
        assertEquals(credential, BuildCredentialCodec.verify(token, Ed25519Keys.readPublic(publicPem), NOW));
    }

    @Test
    void signsTheSameBytesAsTheJdkAndTheJdkVerifiesThem() throws Exception {
        BuildCredentialCodec.SigningKey signingKey = BuildCredentialCodec.SigningKey.of(keys.getPrivate());
        for (int i = 0; i < 20; i++) {
            BuildCredential other = new BuildCredential("acct_" + i, "build_" + i, 30000 + i,
                    List.of("host" + i + ".corp.example:443", "*.pkg.dev:443"), NOW.plusSeconds(60L * (i + 1)));
            String token = BuildCredentialCodec.sign(other, signingKey);
            String[] parts = token.split("\\.");
            byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            byte[] ours = Base64.getUrlDecoder().decode(parts[2]);

            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(keys.getPrivate());
            jdk.update(signed);
            assertArrayEquals(jdk.sign(), ours, "Ed25519 is deterministic: same key and message, same signature");

            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(keys.getPublic());
            verifier.update(signed);
            assertTrue(verifier.verify(ours), "the JDK verifies it");
            assertEquals(other, BuildCredentialCodec.verify(token, keys.getPublic(), NOW));
        }
    }

    @Test
    void signsRfc8032TestVector1() throws Exception {
        // RFC 8032 section 7.1, TEST 1: the secret key, its empty message and signature.
        byte[] seed = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] pkcs8 = new byte[48];
        System.arraycopy(HexFormat.of().parseHex("302e020100300506032b657004220420"), 0, pkcs8, 0, 16);
        System.arraycopy(seed, 0, pkcs8, 16, 32);
        PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        assertEquals("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
                HexFormat.of().formatHex(BuildCredentialCodec.SigningKey.of(key).sign(new byte[0])));
    }

    @Test
    void verifiesACredentialTheJdkSigned() throws Exception {
        String unsigned = BuildCredentialCodec.sign(credential, keys.getPrivate());
        String signedPart = unsigned.substring(0, unsigned.lastIndexOf('.'));
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(keys.getPrivate());
        jdk.update(signedPart.getBytes(StandardCharsets.US_ASCII));
        String token = signedPart + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(jdk.sign());

        assertEquals(credential, BuildCredentialCodec.verify(token, keys.getPublic(), NOW));
    }

    @Test
    void refusesToVerifyWithAKeyThatIsNotEd25519() throws Exception {
        String token = BuildCredentialCodec.sign(credential, keys.getPrivate());
        java.security.PublicKey ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();

        CredentialException e = assertThrows(CredentialException.class,
                () -> BuildCredentialCodec.verify(token, ec, NOW));
        assertEquals(CredentialException.Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void refusesASignatureOfTheWrongLength() {
        String token = BuildCredentialCodec.sign(credential, keys.getPrivate());
        String truncated = token.substring(0, token.length() - 4);

        CredentialException e = assertThrows(CredentialException.class,
                () -> BuildCredentialCodec.verify(truncated, keys.getPublic(), NOW));
        assertEquals(CredentialException.Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void refusesToSignWithAKeyThatIsNotEd25519() throws Exception {
        PrivateKey ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BuildCredentialCodec.SigningKey.of(ec));
        assertTrue(e.getMessage().contains("not an Ed25519 private key"), e.getMessage());
    }
}
