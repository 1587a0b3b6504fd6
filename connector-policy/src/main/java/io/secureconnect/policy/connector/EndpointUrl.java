package io.secureconnect.policy.connector;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A connector's server URL, checked: a real URL with one of the allowed schemes, a host, no credentials in
 * it, and a port that exists. Its host:port is what the connector implies for the network.
 */
public final class EndpointUrl {

    public static final int MAX_LENGTH = 2048;
    public static final List<String> GIT_SCHEMES = List.of("https", "http", "ssh", "git");
    public static final List<String> HTTP_SCHEMES = List.of("https", "http");
    private static final Map<String, Integer> DEFAULT_PORTS = Map.of("https", 443, "http", 80, "ssh", 22, "git", 9418);

    /** Where a URL points: a lower-case host (IPv6 in brackets) and a port. */
    public record Endpoint(String host, int port) {

        public String hostAndPort() {
            return host + ":" + port;
        }
    }

    /** Either the endpoint or why the text is refused (never echoing a password). */
    public record Checked(Endpoint endpoint, String problem) {

        public boolean ok() {
            return problem == null;
        }
    }

    private EndpointUrl() {
    }

    public static Checked check(String text, List<String> schemes) {
        if (text == null || text.isBlank()) {
            return refused("is required");
        }
        if (text.length() > MAX_LENGTH) {
            return refused("must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return refused("is not a URL (" + withoutInput(e) + "); write it like https://git.example.com/org/repo");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null) {
            return refused("is not an absolute URL; write it like https://git.example.com/org/repo");
        }
        if (!schemes.contains(scheme)) {
            return refused("scheme '" + scheme + "' is not allowed; use one of " + String.join(", ", schemes));
        }
        if (uri.isOpaque() || uri.getHost() == null || uri.getHost().isEmpty()) {
            return refused("must name a host, like " + scheme + "://git.example.com/");
        }
        if (uri.getUserInfo() != null && uri.getUserInfo().contains(":")) {
            return refused("must not carry a password; keep credentials out of the URL");
        }
        int port = uri.getPort();
        if (port == 0 || port > 65535) {
            return refused("port must be from 1 to 65535");
        }
        int effectivePort = port > 0 ? port : DEFAULT_PORTS.get(scheme);
        return new Checked(new Endpoint(uri.getHost().toLowerCase(Locale.ROOT), effectivePort), null);
    }

    /** The endpoint of a URL that was checked when it was stored. */
    public static Endpoint endpointOf(String storedUrl, List<String> schemes) {
        Checked checked = check(storedUrl, schemes);
        if (!checked.ok()) {
            throw new IllegalStateException("a stored URL no longer passes its check: " + checked.problem());
        }
        return checked.endpoint();
    }

    /** URISyntaxException messages quote the whole input, which may hold a secret: keep only the reason. */
    private static String withoutInput(URISyntaxException e) {
        return e.getReason() + " at index " + e.getIndex();
    }

    private static Checked refused(String problem) {
        return new Checked(null, problem);
    }
}
