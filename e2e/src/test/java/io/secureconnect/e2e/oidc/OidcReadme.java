package io.secureconnect.e2e.oidc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables deploy/keycloak/README.md tells an operator to set, read from the code blocks of its
 * section "Turning it on" ({@code NAME=example}). The e2e processes take these settings only through
 * {@link OidcCloud}, which refuses a name the README does not show, so the tests configure the processes exactly as
 * the README says and fail when the two drift apart.
 */
final class OidcReadme {

    static final Path FILE = Path.of("..", "deploy", "keycloak", "README.md").toAbsolutePath().normalize();
    private static final String SECTION = "## Turning it on";
    private static final Pattern SETTING = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.*)$");

    private final Map<String, String> settings;

    private OidcReadme(Map<String, String> settings) {
        this.settings = Collections.unmodifiableMap(settings);
    }

    static OidcReadme read() {
        try {
            return parse(Files.readString(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OidcReadme parse(String markdown) {
        int start = markdown.indexOf("\n" + SECTION + "\n");
        if (start < 0) {
            throw new IllegalStateException(FILE + " has no section '" + SECTION + "'");
        }
        int end = markdown.indexOf("\n## ", start + SECTION.length() + 1);
        String section = markdown.substring(start, end < 0 ? markdown.length() : end);
        Map<String, String> found = new LinkedHashMap<>();
        boolean inBlock = false;
        for (String line : section.split("\n")) {
            if (line.startsWith("```")) {
                inBlock = !inBlock;
                continue;
            }
            Matcher setting = SETTING.matcher(line.trim());
            if (inBlock && setting.matches()) {
                found.put(setting.group(1), setting.group(2).trim());
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException(FILE + ": section '" + SECTION + "' shows no NAME=value settings");
        }
        return new OidcReadme(found);
    }

    /** Name to the example value the README shows, in the README's order. */
    Map<String, String> settings() {
        return settings;
    }

    boolean documents(String name) {
        return settings.containsKey(name);
    }
}
