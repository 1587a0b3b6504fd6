package io.secureconnect.policy.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HARNESS_NO_PROXY in the form proxy clients (curl, git, npm) understand. */
class NoProxyTest {

    @Test
    void dropsPortsTurnsWildcardsIntoDomainSuffixesAndRemovesRepeats() {
        assertEquals("git.myorg.com,.googleapis.com,fd00::1", NoProxy.of(
                new LinkedHashSet<>(List.of("git.myorg.com:443", "git.myorg.com:22", "*.googleapis.com:443", "[fd00::1]:22")),
                new LinkedHashSet<>()));
    }

    @Test
    void leavesOutHostsThatTheTunnelServes() {
        assertEquals("b.example.com", NoProxy.of(new LinkedHashSet<>(List.of("a.example.com:443", "b.example.com:443")),
                new LinkedHashSet<>(List.of("a.example.com:8443"))));
    }
}
