package io.secureconnect.agent.dial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ALLOW matching: exact hosts, wildcards, IPv4 and IPv6 networks, ports. */
class AllowlistTest {

    static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void allowsEverythingWhenEmpty() throws Exception {
        Allowlist all = Allowlist.parse("  ");
        assertTrue(all.allowsAll());
        assertTrue(all.allowsName("anything.example", 1));
        assertTrue(all.allowsAddress(ip("8.8.8.8"), 53));
    }

    @Test
    void matchesAnExactHostCaseInsensitivelyAndIgnoringTheTrailingDot() {
        Allowlist list = Allowlist.parse("Git.Corp.Example");
        assertTrue(list.allowsName("git.corp.example", 443));
        assertTrue(list.allowsName("GIT.CORP.EXAMPLE.", 22));
        assertFalse(list.allowsName("evil-git.corp.example", 443));
        assertFalse(list.allowsName("git.corp.example.evil.com", 443));
        assertFalse(list.allowsName("corp.example", 443));
    }

    @Test
    void matchesAWildcardOnlyBelowItsDomain() {
        Allowlist list = Allowlist.parse("*.corp.example");
        assertTrue(list.allowsName("git.corp.example", 443));
        assertTrue(list.allowsName("a.b.corp.example", 443));
        assertFalse(list.allowsName("corp.example", 443), "the wildcard does not match its own domain");
        assertFalse(list.allowsName("evilcorp.example", 443));
        assertFalse(list.allowsName("corp.example.evil.com", 443));
    }

    @Test
    void restrictsPortsWhenGiven() throws Exception {
        Allowlist list = Allowlist.parse("git.corp.example:443, *.registry.corp:5000, 10.0.0.0/8:22");
        assertTrue(list.allowsName("git.corp.example", 443));
        assertFalse(list.allowsName("git.corp.example", 80));
        assertTrue(list.allowsName("eu.registry.corp", 5000));
        assertFalse(list.allowsName("eu.registry.corp", 443));
        assertTrue(list.allowsAddress(ip("10.9.8.7"), 22));
        assertFalse(list.allowsAddress(ip("10.9.8.7"), 23));
    }

    @Test
    void matchesIpv4Networks() throws Exception {
        Allowlist list = Allowlist.parse("10.0.0.0/8,192.168.1.0/24,172.16.5.4");
        assertTrue(list.hasNetworkRules());
        assertTrue(list.allowsAddress(ip("10.255.0.1"), 443));
        assertFalse(list.allowsAddress(ip("11.0.0.1"), 443));
        assertTrue(list.allowsAddress(ip("192.168.1.254"), 80));
        assertFalse(list.allowsAddress(ip("192.168.2.1"), 80));
        assertTrue(list.allowsAddress(ip("172.16.5.4"), 80), "a bare address is a /32");
        assertFalse(list.allowsAddress(ip("172.16.5.5"), 80));
        assertFalse(list.allowsName("10.1.2.3", 80), "networks match addresses, not names");
    }

    @Test
    void matchesIpv6NetworksWithAndWithoutPorts() throws Exception {
        Allowlist list = Allowlist.parse("fd00::/8,[2001:db8::/32]:443,::1");
        assertTrue(list.allowsAddress(ip("fd12:3456::1"), 8080));
        assertFalse(list.allowsAddress(ip("fe80::1"), 8080));
        assertTrue(list.allowsAddress(ip("2001:db8:1::5"), 443));
        assertFalse(list.allowsAddress(ip("2001:db8:1::5"), 80));
        assertTrue(list.allowsAddress(ip("::1"), 1));
        assertFalse(list.allowsAddress(ip("10.0.0.1"), 443), "an IPv4 address is not in an IPv6 network");
    }

    @Test
    void neverMatchesAnIpv6AddressAgainstAnIpv4Network() throws Exception {
        assertFalse(Allowlist.parse("0.0.0.0/0").allowsAddress(ip("fd00::1"), 443));
        assertTrue(Allowlist.parse("0.0.0.0/0").allowsAddress(ip("203.0.113.9"), 443));
    }

    @Test
    void printsItsRulesInCanonicalForm() {
        assertEquals("git.corp,*.corp.example:443,10.0.0.0/8,[fd00:0:0:0:0:0:0:0/8]:443",
                Allowlist.parse("GIT.corp., *.corp.example:443, 10.1.2.3/8, [fd00::/8]:443").toString());
    }

    @ParameterizedTest(name = "refuses the entry \"{0}\"")
    @ValueSource(strings = {"10.0.0.0/33", "fd00::/129", "300.1.1.1", "10.0.0.0/8:0", "host:65536", "host:",
        "*.", "*", "a*.corp", "*.*.corp", "https://git.corp", "git corp", "[fd00::/8", "[10.0.0.0/8]:443",
        "fd00::/8:443", "host:22:33", "-.corp", "10.0.0.0/"})
    void refusesEntriesThatAreNoneOfTheAcceptedForms(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Allowlist.parse(entry));
        assertEquals("entry '" + entry + "' is not valid", e.getMessage());
    }
}
