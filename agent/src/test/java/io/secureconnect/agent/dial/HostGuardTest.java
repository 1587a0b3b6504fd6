package io.secureconnect.agent.dial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loopback, link-local and unspecified addresses are dialled only when ALLOW names them explicitly. Each case is
 * one resolved address of a requested host, judged as the Dialer judges it (unmapped first); "passes" means the
 * guard lets it through and ALLOW alone decides.
 */
class HostGuardTest {

    private static final String PASSES = "passes";
    private static final String REFUSES = ": the agent refuses it unless ALLOW names it";

    static Stream<Arguments> cases() {
        return Stream.of(
                // What is refused when ALLOW is empty (which allows everything else).
                refused("loopback 127.0.0.1 is refused", "", "127.0.0.1", "127.0.0.1", "127.0.0.1 is loopback"),
                refused("any loopback of 127.0.0.0/8 is refused", "", "127.1.2.3", "127.1.2.3",
                        "127.1.2.3 is loopback"),
                refused("IPv6 loopback ::1 is refused", "", "::1", "::1", "::1 is loopback"),
                refused("link-local 169.254.10.20 is refused", "", "169.254.10.20", "169.254.10.20",
                        "169.254.10.20 is link-local"),
                refused("cloud metadata 169.254.169.254 is refused and called so", "", "169.254.169.254",
                        "169.254.169.254", "169.254.169.254 is link-local (cloud metadata)"),
                refused("IPv6 link-local fe80::1 is refused", "", "fe80::1", "fe80::1", "fe80::1 is link-local"),
                refused("the unspecified 0.0.0.0 (Linux connects it to this host) is refused", "", "0.0.0.0",
                        "0.0.0.0", "0.0.0.0 is unspecified"),
                refused("the IPv6 unspecified :: is refused", "", "::", "::", ":: is unspecified"),
                refused("IPv4-mapped loopback ::ffff:127.0.0.1 is refused", "", "::ffff:127.0.0.1",
                        "::ffff:127.0.0.1", "::ffff:127.0.0.1 (127.0.0.1) is loopback"),
                refused("IPv4-mapped metadata ::ffff:169.254.169.254 is refused", "", "::ffff:169.254.169.254",
                        "::ffff:169.254.169.254",
                        "::ffff:169.254.169.254 (169.254.169.254) is link-local (cloud metadata)"),
                refused("a name that resolves to 127.0.0.1 (localhost) is refused", "", "localhost", "127.0.0.1",
                        "localhost (127.0.0.1) is loopback"),
                refused("a name rebound to 169.254.169.254 is refused", "", "metadata.rebind.test",
                        "169.254.169.254", "metadata.rebind.test (169.254.169.254) is link-local (cloud metadata)"),
                refused("a name rebound to ::ffff:127.0.0.1 by the resolver is refused", "", "rebind.test",
                        "::ffff:127.0.0.1", "rebind.test (127.0.0.1) is loopback"),

                // Entries that allow an address without naming it do not open it.
                refused("a wildcard does not open a name of its domain that resolves to loopback", "*.corp.example",
                        "rebind.corp.example", "127.0.0.1", "rebind.corp.example (127.0.0.1) is loopback"),
                refused("0.0.0.0/0 does not open loopback", "0.0.0.0/0", "127.0.0.1", "127.0.0.1",
                        "127.0.0.1 is loopback"),
                refused("0.0.0.0/0 does not open cloud metadata", "0.0.0.0/0", "169.254.169.254", "169.254.169.254",
                        "169.254.169.254 is link-local (cloud metadata)"),
                refused("::/0 does not open IPv6 loopback", "::/0", "::1", "::1", "::1 is loopback"),
                refused("a network wider than 127.0.0.0/8 does not open loopback", "126.0.0.0/7", "127.0.0.1",
                        "127.0.0.1", "127.0.0.1 is loopback"),
                refused("a network wider than 169.254.0.0/16 does not open link-local", "169.254.0.0/15",
                        "169.254.169.254", "169.254.169.254", "169.254.169.254 is link-local (cloud metadata)"),
                refused("a host entry for another name does not open loopback", "localhost", "other.corp.example",
                        "127.0.0.1", "other.corp.example (127.0.0.1) is loopback"),
                refused("an entry for another port does not open loopback", "127.0.0.1:8080", "127.0.0.1",
                        "127.0.0.1", "127.0.0.1 is loopback"),
                refused("an entry for 127.0.0.1 does not open 127.0.0.2", "127.0.0.1", "127.0.0.2", "127.0.0.2",
                        "127.0.0.2 is loopback"),

                // Entries that name the address or the requested host do.
                passes("ALLOW=localhost opens localhost's 127.0.0.1", "localhost", "localhost", "127.0.0.1"),
                passes("ALLOW=localhost opens localhost's ::1", "localhost", "localhost", "::1"),
                passes("a host entry matches case-insensitively and without the trailing dot", "LocalHost.",
                        "localhost", "127.0.0.1"),
                passes("ALLOW=127.0.0.1 opens localhost's 127.0.0.1", "127.0.0.1", "localhost", "127.0.0.1"),
                passes("ALLOW=127.0.0.0/8 opens all of loopback", "127.0.0.0/8", "127.9.9.9", "127.9.9.9"),
                passes("ALLOW=169.254.169.254:80 opens cloud metadata on port 80", "169.254.169.254:80",
                        "169.254.169.254", "169.254.169.254"),
                passes("ALLOW=::1 opens IPv6 loopback", "::1", "::1", "::1"),
                passes("ALLOW=fe80::/10 opens IPv6 link-local", "fe80::/10", "fe80::1", "fe80::1"),
                passes("ALLOW=127.0.0.1 opens the IPv4-mapped ::ffff:127.0.0.1", "127.0.0.1", "::ffff:127.0.0.1",
                        "::ffff:127.0.0.1"),

                // Ordinary private and public addresses are ALLOW's business alone.
                passes("10.x is unaffected", "", "10.1.2.3", "10.1.2.3"),
                passes("192.168.x is unaffected", "", "192.168.1.10", "192.168.1.10"),
                passes("198.51.100.x is unaffected", "", "bitbucket.myorg.test", "198.51.100.10"),
                passes("172.16.x is unaffected", "", "172.16.0.1", "172.16.0.1"),
                passes("IPv6 unique-local fd00::1 is unaffected", "", "fd00::1", "fd00::1"),
                passes("126.255.255.255, just below loopback, is unaffected", "", "126.255.255.255",
                        "126.255.255.255"),
                passes("128.0.0.1, just above loopback, is unaffected", "", "128.0.0.1", "128.0.0.1"),
                passes("169.255.0.1, just above link-local, is unaffected", "", "169.255.0.1", "169.255.0.1"),
                passes("1.0.0.1, just above 0.0.0.0/8, is unaffected", "", "1.0.0.1", "1.0.0.1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judgesAResolvedAddress(String behaviour, String allow, String host, String resolved, String expected)
            throws Exception {
        HostGuard guard = new HostGuard(Allowlist.parse(allow));
        Optional<String> refusal = guard.refusal(host, HostGuard.unmapped(resolvedAs(resolved)), 80);
        assertEquals(expected, refusal.orElse(PASSES));
    }

    @Test
    void unmapsAnIpv4MappedAddressAResolverReturnsAsIpv6() throws Exception {
        InetAddress mapped = resolvedAs("::ffff:169.254.169.254");
        assertInstanceOf(Inet6Address.class, mapped);
        InetAddress unmapped = HostGuard.unmapped(mapped);
        assertInstanceOf(Inet4Address.class, unmapped);
        assertEquals("169.254.169.254", unmapped.getHostAddress());
        assertEquals(InetAddress.getByName("fd00::1"), HostGuard.unmapped(InetAddress.getByName("fd00::1")));
    }

    private static Arguments refused(String behaviour, String allow, String host, String resolved, String what) {
        return Arguments.of(behaviour, allow, host, resolved, what + REFUSES);
    }

    private static Arguments passes(String behaviour, String allow, String host, String resolved) {
        return Arguments.of(behaviour, allow, host, resolved, PASSES);
    }

    /**
     * The address as a resolver may hand it over. The JDK turns an IPv4-mapped literal into an IPv4 address by
     * itself; a resolver can still return the IPv6 form, so mapped literals are built as IPv6 here.
     */
    private static InetAddress resolvedAs(String literal) throws Exception {
        if (literal.startsWith("::ffff:")) {
            byte[] bytes = new byte[16];
            bytes[10] = (byte) 0xff;
            bytes[11] = (byte) 0xff;
            System.arraycopy(InetAddress.getByName(literal.substring(7)).getAddress(), 0, bytes, 12, 4);
            return Inet6Address.getByAddress(null, bytes, -1);
        }
        return InetAddress.getByName(literal);
    }
}
