package io.secureconnect.keyvalidator.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes the bootstrap token to a file only its owner can read, whole or not at all. */
final class TokenFile {

    private TokenFile() {
    }

    static void write(Path file, String token) {
        Path parent = file.toAbsolutePath().getParent();
        Path partial = parent.resolve("." + file.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, token, StandardCharsets.US_ASCII);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("startup refused: secureconnect.keys.bootstrap.token-file=" + file
                    + ": cannot write the bootstrap token there (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }
}
