package io.secureconnect.agent.dial;

import io.secureconnect.agent.net.HostPort;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One ALLOW entry: an exact host ({@code git.corp.example}), a wildcard ({@code *.corp.example}: any name
 * below corp.example, not corp.example itself) or an IP network ({@code 10.0.0.0/8}, {@code fd00::/8}, a bare
 * address), each optionally with {@code :port}. IPv6 with a port goes in brackets: {@code [fd00::/8]:443}.
 */
public record AllowRule(Kind kind, String name, Cidr cidr, OptionalInt port) {

    public enum Kind { HOST, WILDCARD, NETWORK }

    private static final Pattern LABELS = Pattern.compile(
            "[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*");

    /** Parses one entry; empty when it is none of the accepted forms. */
    public static Optional<AllowRule> parse(String entry) {
        String target = entry;
        OptionalInt port = OptionalInt.empty();
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            target = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return Optional.empty();
                }
                Optional<Integer> number = HostPort.parsePort(rest.substring(1));
                if (number.isEmpty()) {
                    return Optional.empty();
                }
                port = OptionalInt.of(number.get());
            }
            OptionalInt bracketPort = port;
            return Cidr.parse(target).filter(c -> c.network().length == 16)
                    .map(c -> new AllowRule(Kind.NETWORK, null, c, bracketPort));
        }
        int colon = entry.indexOf(':');
        if (colon >= 0 && entry.indexOf(':', colon + 1) < 0) {
            Optional<Integer> number = HostPort.parsePort(entry.substring(colon + 1));
            if (number.isEmpty()) {
                return Optional.empty();
            }
            port = OptionalInt.of(number.get());
            target = entry.substring(0, colon);
        }
        Optional<Cidr> cidr = Cidr.parse(target);
        if (cidr.isPresent()) {
            return Optional.of(new AllowRule(Kind.NETWORK, null, cidr.get(), port));
        }
        if (target.contains(":") || target.contains("/")) {
            return Optional.empty();
        }
        String name = normalize(target);
        if (name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return Optional.empty(); // looks like an IPv4 address but is not a valid one
        }
        if (name.startsWith("*.")) {
            String suffix = name.substring(2);
            return LABELS.matcher(suffix).matches()
                    ? Optional.of(new AllowRule(Kind.WILDCARD, suffix, null, port)) : Optional.empty();
        }
        return LABELS.matcher(name).matches() && name.length() <= 253
                ? Optional.of(new AllowRule(Kind.HOST, name, null, port)) : Optional.empty();
    }

    /** Lower case, without the trailing dot of a fully qualified name. */
    static String normalize(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** True when this host or wildcard entry allows the (normalized) name on that port. */
    boolean allowsName(String host, int destinationPort) {
        if (!portMatches(destinationPort)) {
            return false;
        }
        return switch (kind) {
            case HOST -> host.equals(name);
            case WILDCARD -> host.endsWith("." + name);
            case NETWORK -> false;
        };
    }

    /** True when this network entry holds the address and allows the port. */
    boolean allowsAddress(InetAddress address, int destinationPort) {
        return kind == Kind.NETWORK && portMatches(destinationPort) && cidr.contains(address);
    }

    /**
     * True when this entry names the special address explicitly: a host entry for the requested name itself, or a
     * network entry holding the address that is no wider than the special range around it. Never a wildcard.
     */
    boolean namesExplicitly(String host, InetAddress address, Cidr specialRange, int destinationPort) {
        return switch (kind) {
            case HOST -> allowsName(host, destinationPort);
            case WILDCARD -> false;
            case NETWORK -> allowsAddress(address, destinationPort) && cidr.prefix() >= specialRange.prefix();
        };
    }

    private boolean portMatches(int destinationPort) {
        return port.isEmpty() || port.getAsInt() == destinationPort;
    }

    @Override
    public String toString() {
        String target = switch (kind) {
            case HOST -> name;
            case WILDCARD -> "*." + name;
            case NETWORK -> cidr.network().length == 16 && port.isPresent() ? "[" + cidr + "]" : cidr.toString();
        };
        return port.isPresent() ? target + ":" + port.getAsInt() : target;
    }
}
