package io.secureconnect.keyvalidator.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

    static final String TOKEN = "sat.first_account.tokenid.SeCrEt";

    @TempDir
    Path dir;

    @Test
    void writesTheTokenForItsOwnerOnlyAndLeavesNoPartialFile() throws Exception {
        Path file = dir.resolve("admin-token");
        Files.writeString(file, "an older token");
        TokenFile.write(file, TOKEN);
        assertEquals(TOKEN, Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count(), "only the token file remains");
        }
    }

    @Test
    void aDirectoryThatDoesNotExistRefusesStartupNamingTheSettingAndNotTheToken() {
        Path file = dir.resolve("missing").resolve("admin-token");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> TokenFile.write(file, TOKEN));
        assertTrue(refused.getMessage().startsWith("startup refused: secureconnect.keys.bootstrap.token-file=" + file),
                refused.getMessage());
        assertFalse(refused.getMessage().contains("SeCrEt"));
        assertFalse(Files.exists(file));
    }
}
