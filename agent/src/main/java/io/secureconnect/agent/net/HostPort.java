package io.secureconnect.agent.net;

import java.util.Optional;
import java.util.regex.Pattern;

/** A host name or IP literal with a port. IPv6 literals are written in brackets: {@code [fd00::1]:8443}. */
public record HostPort(String host, int port) {

    private static final Pattern HOST_NAME = Pattern.compile(
            "(?i)[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*\\.?");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]+(%[a-z0-9]+)?");

    /** Parses {@code host}, {@code host:port} or {@code [v6]:port}; empty when the text is not one of those. */
    public static Optional<HostPort> parse(String text, int defaultPort) {
        if (text == null || text.isEmpty() || !text.strip().equals(text)) {
            return Optional.empty();
        }
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return Optional.empty();
                }
                port = rest.substring(1);
            }
            if (!IPV6.matcher(host).matches() || !host.contains(":")) {
                return Optional.empty();
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon >= 0) {
                if (text.indexOf(':') != colon) {
                    return Optional.empty(); // a bare IPv6 literal needs brackets to carry a port
                }
                host = text.substring(0, colon);
                port = text.substring(colon + 1);
            } else {
                host = text;
            }
            if (host.length() > 253 || !HOST_NAME.matcher(host).matches()) {
                return Optional.empty();
            }
        }
        int number = defaultPort;
        if (port != null) {
            Optional<Integer> parsed = parsePort(port);
            if (parsed.isEmpty()) {
                return Optional.empty();
            }
            number = parsed.get();
        }
        return Optional.of(new HostPort(host, number));
    }

    /** A port number 1-65535 written in plain decimal digits. */
    public static Optional<Integer> parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int number = Integer.parseInt(text);
        return number >= 1 && number <= 65535 ? Optional.of(number) : Optional.empty();
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
