package io.secureconnect.policy.network;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * HARNESS_NO_PROXY: the host names of the connectors that go direct, in the form proxy clients understand
 * (no port; "*.example.com" becomes ".example.com"). A host that some Secure Connect connector of the same
 * build needs stays off the list, so that the tunnel is not bypassed for it.
 */
final class NoProxy {

    private NoProxy() {
    }

    static String of(Set<String> directHosts, Set<String> tunnelHosts) {
        Set<String> tunnelNames = new LinkedHashSet<>();
        tunnelHosts.forEach(host -> tunnelNames.add(name(host)));
        Set<String> names = new LinkedHashSet<>();
        for (String host : directHosts) {
            String name = name(host);
            if (!tunnelNames.contains(name)) {
                names.add(name);
            }
        }
        return String.join(",", names);
    }

    /** "git.example.com:443" -> "git.example.com", "*.googleapis.com:443" -> ".googleapis.com", "[::1]:22" -> "::1". */
    static String name(String hostAndPort) {
        String host = hostAndPort;
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.startsWith("*.") ? host.substring(1) : host;
    }
}
