package io.secureconnect.common.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may call one gRPC method: named platform services, any gateway (which then acts only as itself), any runner,
 * and account-scoped callers (an API key or an OIDC identity of one account, checked by the method itself).
 */
public record Rule(Set<String> services, boolean anyGateway, boolean anyRunner, boolean account) {

    public Rule {
        services = Set.copyOf(services);
    }

    public static Rule services(String... names) {
        return new Rule(Set.of(names), false, false, false);
    }

    public static Rule gateways() {
        return new Rule(Set.of(), true, false, false);
    }

    public static Rule runners() {
        return new Rule(Set.of(), false, true, false);
    }

    /** Any machine identity of the deployment: for gRPC reflection, which only lists the public contracts. */
    public static Rule anyPeer() {
        return new Rule(Set.of("key-validator", "tunnel-registry", "connector-policy"), true, true, false);
    }

    public static Rule accounts() {
        return new Rule(Set.of(), false, false, true);
    }

    public Rule or(Rule other) {
        Set<String> both = new TreeSet<>(services);
        both.addAll(other.services);
        return new Rule(both, anyGateway || other.anyGateway, anyRunner || other.anyRunner, account || other.account);
    }

    public boolean admits(Peer peer) {
        return switch (peer.kind()) {
            case SERVICE -> services.contains(peer.name());
            case GATEWAY -> anyGateway;
            case RUNNER -> anyRunner;
        };
    }

    /** For refusals and the README's table: {@code service/connector-policy, any gateway}. */
    public String describe() {
        List<String> who = new ArrayList<>();
        new TreeSet<>(services).forEach(name -> who.add(PeerKind.SERVICE.segment() + "/" + name));
        if (anyGateway) {
            who.add("any gateway (as itself)");
        }
        if (anyRunner) {
            who.add("any runner");
        }
        if (account) {
            who.add("an API key or OIDC identity of the account asked for");
        }
        return who.isEmpty() ? "nobody" : String.join(", ", who);
    }
}
