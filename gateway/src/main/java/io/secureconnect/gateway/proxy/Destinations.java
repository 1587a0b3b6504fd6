package io.secureconnect.gateway.proxy;

import java.util.List;
import java.util.Locale;

/**
 * A build credential's destination allowlist: entries "host" (any port) or "host:port"; a host "*.suffix" matches
 * every name under suffix (not suffix itself). Names compare case-insensitively.
 */
final class Destinations {

    private Destinations() {
    }

    static boolean allows(List<String> entries, HostPort destination) {
        for (String entry : entries) {
            if (matches(entry.trim().toLowerCase(Locale.ROOT), destination)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String entry, HostPort destination) {
        String host = entry;
        String port = null;
        if (entry.startsWith("[")) {
            int end = entry.indexOf(']');
            if (end < 0) {
                return false;
            }
            host = entry.substring(1, end);
            if (entry.startsWith("]:", end)) {
                port = entry.substring(end + 2);
            }
        } else {
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && entry.indexOf(':') == colon) {
                host = entry.substring(0, colon);
                port = entry.substring(colon + 1);
            }
        }
        if (port != null && !port.equals(String.valueOf(destination.port()))) {
            return false;
        }
        if (host.startsWith("*.")) {
            String suffix = host.substring(1);
            return destination.host().endsWith(suffix) && destination.host().length() > suffix.length();
        }
        return host.equals(destination.host());
    }
}
