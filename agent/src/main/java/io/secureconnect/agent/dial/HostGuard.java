package io.secureconnect.agent.dial;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Keeps dials off the agent's own host and link, which are not the private network it serves: loopback
 * (127.0.0.0/8, ::1), link-local (169.254.0.0/16, where clouds answer instance metadata at 169.254.169.254, and
 * fe80::/10) and unspecified (0.0.0.0, which Linux connects to this host, the rest of 0.0.0.0/8, and ::), IPv4-mapped
 * IPv6 forms included. An address in one of these ranges is dialled only when ALLOW names it explicitly
 * ({@link Allowlist#namesExplicitly}); a wildcard, a wider network such as 0.0.0.0/0 or an empty ALLOW does not open
 * it. It judges resolved addresses, so a name that points at 127.0.0.1 or 169.254.169.254 (DNS rebinding included)
 * is refused like the address itself.
 */
final class HostGuard {

    /** A range of the agent's own host or link, and what an address in it is. */
    record Range(Cidr cidr, String what) {

        static Range of(String cidr, String what) {
            return new Range(Cidr.parse(cidr).orElseThrow(), what);
        }
    }

    static final List<Range> RANGES = List.of(
            Range.of("127.0.0.0/8", "loopback"),
            Range.of("::1", "loopback"),
            Range.of("169.254.0.0/16", "link-local"),
            Range.of("fe80::/10", "link-local"),
            Range.of("0.0.0.0/8", "unspecified"),
            Range.of("::", "unspecified"));

    private static final InetAddress METADATA = address(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254});

    private final Allowlist allow;

    HostGuard(Allowlist allow) {
        this.allow = allow;
    }

    /**
     * Why the agent refuses to dial this resolved address of host:port, or empty when the guard lets it through
     * (ALLOW still decides then).
     *
     * @param address as resolved and passed through {@link #unmapped}
     */
    Optional<String> refusal(String host, InetAddress address, int port) {
        return RANGES.stream()
                .filter(range -> range.cidr().contains(address))
                .findFirst()
                .filter(range -> !allow.namesExplicitly(host, address, range.cidr(), port))
                .map(range -> {
                    String shown = NetUtil.toAddressString(address);
                    String what = address.equals(METADATA) ? range.what() + " (cloud metadata)" : range.what();
                    String destination = host.equals(shown) ? shown : host + " (" + shown + ")";
                    return destination + " is " + what + ": the agent refuses it unless ALLOW names it";
                });
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:127.0.0.1 is 127.0.0.1); others as they are. */
    static InetAddress unmapped(InetAddress address) {
        byte[] bytes = address.getAddress();
        boolean mapped = bytes.length == 16 && Arrays.equals(bytes, 0, 10, new byte[10], 0, 10)
                && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        return mapped ? address(Arrays.copyOfRange(bytes, 12, 16)) : address;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a length other than 4 or 16
        }
    }
}
