package io.secureconnect.agent.net;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The corporate egress proxy (HTTPS_PROXY) the agent must use to get out: it speaks HTTP CONNECT.
 * The credentials are secrets: {@link #toString()} never shows them.
 */
public record ProxySettings(HostPort address, Optional<String> username, Optional<String> password) {

    /** Parses {@code http://[user[:password]@]host[:port]} or {@code host:port}; the default port is 3128. */
    public static Optional<ProxySettings> parse(String text) {
        String rest = text;
        int scheme = rest.indexOf("://");
        if (scheme >= 0) {
            if (!rest.substring(0, scheme).equalsIgnoreCase("http")) {
                return Optional.empty();
            }
            rest = rest.substring(scheme + 3);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            try {
                user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
                password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (user.get().isEmpty()) {
                return Optional.empty();
            }
        }
        if (rest.contains("/")) {
            return Optional.empty();
        }
        Optional<String> finalUser = user;
        Optional<String> finalPassword = password;
        return HostPort.parse(rest, 3128).map(address -> new ProxySettings(address, finalUser, finalPassword));
    }

    /** The value as it may be shown: the credentials replaced by {@code ***}. */
    public static String redact(String text) {
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text;
        }
        int scheme = text.indexOf("://");
        String prefix = scheme >= 0 && scheme < at ? text.substring(0, scheme + 3) : "";
        return prefix + "***@" + text.substring(at + 1);
    }

    private static String decode(String text) {
        // Percent-decoding only: a '+' in a password is a plus, not a space.
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "http://" + (username.isPresent() ? "***@" : "") + address;
    }
}
