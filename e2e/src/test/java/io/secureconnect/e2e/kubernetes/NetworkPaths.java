package io.secureconnect.e2e.kubernetes;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the NetworkPolicies of a rendering let through, in words a test can compare: for pods with given labels and a
 * port, the peers admitted in (ingress) or reachable (egress). Policies add up, as in Kubernetes: a pod no policy
 * selects for a direction is open in it, so the checks also demand a default deny.
 */
public final class NetworkPaths {

    public static final String ANYONE = "anyone";

    private NetworkPaths() {
    }

    /** Who the NetworkPolicies admit to pods with these labels on this TCP port. */
    public static Set<String> ingressPeers(Manifests manifests, Map<String, String> labels, int port) {
        Set<String> peers = new TreeSet<>();
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            if (!policy.getSpec().getPolicyTypes().contains("Ingress") || !Manifests.selects(policy.getSpec().getPodSelector(), labels)) {
                continue;
            }
            for (var rule : Objects.requireNonNullElse(policy.getSpec().getIngress(), List.<NetworkPolicyIngressRule>of())) {
                if (covers(rule.getPorts(), port, "TCP")) {
                    peers.addAll(describe(rule.getFrom()));
                }
            }
        }
        return peers;
    }

    /** Where the NetworkPolicies let pods with these labels connect on this port. */
    public static Set<String> egressPeers(Manifests manifests, Map<String, String> labels, int port, String protocol) {
        Set<String> peers = new TreeSet<>();
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            if (!policy.getSpec().getPolicyTypes().contains("Egress") || !Manifests.selects(policy.getSpec().getPodSelector(), labels)) {
                continue;
            }
            for (var rule : Objects.requireNonNullElse(policy.getSpec().getEgress(), List.<NetworkPolicyEgressRule>of())) {
                if (covers(rule.getPorts(), port, protocol)) {
                    peers.addAll(describe(rule.getTo()));
                }
            }
        }
        return peers;
    }

    public static boolean covers(List<NetworkPolicyPort> ports, int port, String protocol) {
        if (isEmpty(ports)) {
            return true;
        }
        return ports.stream().anyMatch(p -> Objects.requireNonNullElse(p.getProtocol(), "TCP").equals(protocol)
                && p.getPort() != null && p.getPort().getIntVal() != null
                && port >= p.getPort().getIntVal() && port <= Objects.requireNonNullElse(p.getEndPort(), p.getPort().getIntVal()));
    }

    /**
     * Peers in words: {@code anyone}; {@code ip{cidr}}; {@code namespaces{k=v}} (pods of any namespace so labelled);
     * {@code pods{name}} for each app.kubernetes.io/name a same-namespace pod selector admits; both joined by {@code +}.
     */
    static Set<String> describe(List<NetworkPolicyPeer> peers) {
        if (isEmpty(peers)) {
            return Set.of(ANYONE);
        }
        Set<String> described = new TreeSet<>();
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                described.add(peer.getIpBlock().getCidr().startsWith("0.0.0.0/") ? ANYONE : "ip{" + peer.getIpBlock().getCidr() + "}");
                continue;
            }
            String namespaces = peer.getNamespaceSelector() == null ? null : "namespaces" + selectorWords(peer.getNamespaceSelector());
            if (peer.getPodSelector() == null) {
                described.add(Objects.requireNonNull(namespaces));
                continue;
            }
            for (String pods : podWords(peer.getPodSelector())) {
                described.add(namespaces == null ? pods : namespaces + "+" + pods);
            }
        }
        return described;
    }

    static Set<String> podWords(LabelSelector selector) {
        Set<String> words = new TreeSet<>();
        Map<String, String> match = Objects.requireNonNullElse(selector.getMatchLabels(), Map.of());
        if (match.containsKey("app.kubernetes.io/name") && match.size() == 1 && isEmpty(selector.getMatchExpressions())) {
            words.add("pods{" + match.get("app.kubernetes.io/name") + "}");
            return words;
        }
        if (match.isEmpty() && selector.getMatchExpressions() != null && selector.getMatchExpressions().size() == 1
                && selector.getMatchExpressions().get(0).getKey().equals("app.kubernetes.io/name")
                && selector.getMatchExpressions().get(0).getOperator().equals("In")) {
            selector.getMatchExpressions().get(0).getValues().forEach(v -> words.add("pods{" + v + "}"));
            return words;
        }
        words.add("pods" + selectorWords(selector));
        return words;
    }

    static String selectorWords(LabelSelector selector) {
        Map<String, String> match = new TreeMap<>(Objects.requireNonNullElse(selector.getMatchLabels(), Map.of()));
        String labels = match.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        String expressions = Objects.requireNonNullElse(selector.getMatchExpressions(), List.<LabelSelectorRequirement>of())
                .stream().map(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues()).collect(Collectors.joining(","));
        return "{" + labels + (labels.isEmpty() || expressions.isEmpty() ? "" : ",") + expressions + "}";
    }

    static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }
}
