package io.secureconnect.keyvalidator.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After a test class, reads the log file of the test run (%test.quarkus.log.file.path, where the service and the
 * tests log) and fails if any token the tests obtained appears in it, whole or as its secret alone.
 */
public class NoSecretsInLogs implements AfterAllCallback {

    public static final Path LOG = Path.of("target/test-logs/key-validator.log");

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        assertNoneLogged(IssuedTokens.all(), log());
    }

    public static String log() throws IOException {
        assertTrue(Files.exists(LOG), "the test run writes its log to " + LOG);
        return Files.readString(LOG, StandardCharsets.UTF_8);
    }

    public static void assertNoneLogged(List<String> tokens, String log) {
        List<String> leaked = new ArrayList<>();
        for (String token : tokens) {
            String secret = token.substring(token.lastIndexOf('.') + 1);
            if (log.contains(token) || log.contains(secret)) {
                leaked.add(token.substring(0, token.lastIndexOf('.')) + ".<secret>");
            }
        }
        if (!leaked.isEmpty()) {
            fail("tokens appear in the log " + LOG + ": " + leaked);
        }
    }
}
