package io.secureconnect.gateway.proxy;

import java.util.Locale;

/** A destination: host (lower case, IPv6 without brackets) and port. */
record HostPort(String host, int port) {

    /** Parses "host:port", "[v6]:port" or, with a default port, "host"; null when it is not a valid authority. */
    static HostPort parse(String authority, int defaultPort) {
        if (authority == null || authority.isEmpty()) {
            return null;
        }
        String host;
        String port = null;
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            if (end < 0) {
                return null;
            }
            host = authority.substring(1, end);
            if (end + 1 < authority.length()) {
                if (authority.charAt(end + 1) != ':') {
                    return null;
                }
                port = authority.substring(end + 2);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon >= 0 && authority.indexOf(':') == colon) {
                host = authority.substring(0, colon);
                port = authority.substring(colon + 1);
            } else if (colon < 0) {
                host = authority;
            } else {
                return null;
            }
        }
        if (host.isEmpty() || !host.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != '@')) {
            return null;
        }
        int number = defaultPort;
        if (port != null) {
            // port = 1*DIGIT (ASCII): Integer.parseInt would also take "+443" and digits of other scripts.
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            number = Integer.parseInt(port);
        }
        if (number < 1 || number > 65535) {
            return null;
        }
        return new HostPort(host.toLowerCase(Locale.ROOT), number);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
