package io.secureconnect.common.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
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
}
