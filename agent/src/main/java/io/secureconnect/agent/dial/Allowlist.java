package io.secureconnect.agent.dial;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The customer's own destination allowlist (ALLOW). Host and wildcard entries match the requested name;
 * network entries match the addresses the name resolves to (or an IP literal), and only those addresses are
 * dialled. An empty list allows every destination except the agent's own host and link (see {@link HostGuard}).
 */
public final class Allowlist {

    private final List<AllowRule> rules;

    private Allowlist(List<AllowRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static Allowlist allowAll() {
        return new Allowlist(List.of());
    }

    /**
     * Parses the comma-separated ALLOW value; blank means allow all.
     *
     * @throws IllegalArgumentException naming the first entry that is none of the accepted forms
     */
    public static Allowlist parse(String value) {
        if (value == null || value.isBlank()) {
            return allowAll();
        }
        List<AllowRule> rules = new ArrayList<>();
        String[] entries = value.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("entry " + (i + 1) + " is empty");
            }
            rules.add(AllowRule.parse(entry).orElseThrow(
                    () -> new IllegalArgumentException("entry '" + entry + "' is not valid")));
        }
        return new Allowlist(rules);
    }

    public boolean allowsAll() {
        return rules.isEmpty();
    }

    /** True when a host or wildcard entry allows the name itself, so every address it resolves to may be dialled. */
    public boolean allowsName(String host, int port) {
        if (rules.isEmpty()) {
            return true;
        }
        String name = AllowRule.normalize(host);
        return rules.stream().anyMatch(rule -> rule.allowsName(name, port));
    }

    /** True when some network entry allows this address and port. */
    public boolean allowsAddress(InetAddress address, int port) {
        return rules.isEmpty() || rules.stream().anyMatch(rule -> rule.allowsAddress(address, port));
    }

    /**
     * True when an entry names this address of the requested host explicitly, as a loopback or link-local address
     * needs (see {@link HostGuard}): the host's own name, or a network no wider than {@code specialRange}. A
     * wildcard, a wider network or an empty list does not.
     */
    public boolean namesExplicitly(String host, InetAddress address, Cidr specialRange, int port) {
        String name = AllowRule.normalize(host);
        return rules.stream().anyMatch(rule -> rule.namesExplicitly(name, address, specialRange, port));
    }

    /** True when some network entry could allow the destination once its name is resolved. */
    public boolean hasNetworkRules() {
        return rules.stream().anyMatch(rule -> rule.kind() == AllowRule.Kind.NETWORK);
    }

    public List<AllowRule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return rules.isEmpty() ? "(all destinations)"
                : rules.stream().map(AllowRule::toString).collect(Collectors.joining(","));
    }
}
