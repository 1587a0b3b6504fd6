package io.secureconnect.keyvalidator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Every token the tests obtain, written to a file (not a static set: test classes of different Quarkus test
 * profiles may live in different class loaders) so that {@link NoSecretsInLogs} can look for each in the logs.
 */
public final class IssuedTokens {

    static final Path FILE = Path.of("target/test-logs/issued-tokens.txt");

    private IssuedTokens() {
    }

    public static synchronized String remember(String token) {
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return token;
    }

    public static synchronized List<String> all() {
        try {
            return Files.exists(FILE) ? Files.readAllLines(FILE, StandardCharsets.US_ASCII).stream()
                    .filter(line -> !line.isBlank()).toList() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
