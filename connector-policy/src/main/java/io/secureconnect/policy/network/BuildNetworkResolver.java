package io.secureconnect.policy.network;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.policy.config.PolicyConfig;
import io.secureconnect.policy.connector.BuildConnectors;
import io.secureconnect.policy.connector.Connector;
import io.secureconnect.policy.connector.ConnectorKey;
import io.secureconnect.policy.connector.ImpliedHosts;
import io.secureconnect.policy.tunnel.TunnelChoice;
import io.secureconnect.policy.tunnel.TunnelDirectory;
import io.secureconnect.policy.tunnel.TunnelRoutes;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRoute;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import io.secureconnect.proto.connectorpolicy.v1.Route;
import io.secureconnect.proto.tunnelregistry.v1.Tunnel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * "This build of account A uses connectors X, Y: how does it reach them?" Connectors with Secure Connect on
 * go through the account's tunnel, with a signed credential bound to account, build, port and their hosts;
 * the others go direct (NO_PROXY).
 */
@ApplicationScoped
public class BuildNetworkResolver {

    private static final Logger LOG = Logger.getLogger(BuildNetworkResolver.class);

    @Inject
    BuildConnectors connectors;

    @Inject
    TunnelRoutes tunnels;

    @Inject
    CredentialSigner signer;

    @Inject
    PolicyConfig config;

    @Inject
    CloudTokens cloudTokens;

    public ResolveBuildNetworkResponse resolve(ResolveBuildNetworkRequest request) {
        Instant now = Instant.now();
        List<ConnectorKey> keys = BuildNetworkRequestRules.check(request, now);
        String account = request.getAccountId();
        Map<ConnectorKey, Connector> found = connectors.find(account, keys).stream()
                .collect(Collectors.toMap(ConnectorKey::of, Function.identity()));
        ResolveBuildNetworkResponse.Builder response = ResolveBuildNetworkResponse.newBuilder();
        Set<String> allowlist = new LinkedHashSet<>();
        Set<String> direct = new LinkedHashSet<>();
        List<Connector> throughTunnel = new ArrayList<>();
        List<Connector> used = new ArrayList<>();
        for (ConnectorKey key : keys) {
            Connector connector = found.get(key);
            if (connector == null) {
                // Another account's connector is answered the same way: its existence is not revealed.
                throw GrpcFailure.of(Status.Code.NOT_FOUND, "CONNECTOR_NOT_FOUND",
                        "connector '" + key.describe() + "' does not exist in account " + account,
                        Map.of("connector", key.describe()));
            }
            used.add(connector);
            List<String> hosts = ImpliedHosts.of(connector);
            boolean tunnel = connector.usesTunnel();
            (tunnel ? allowlist : direct).addAll(hosts);
            if (tunnel) {
                throughTunnel.add(connector);
            }
            response.addRoutes(ConnectorRoute.newBuilder()
                    .setConnector(ConnectorRef.newBuilder().setOrgId(key.orgId()).setProjectId(key.projectId())
                            .setIdentifier(key.identifier()))
                    .setConnectorType(connector.type)
                    .setRoute(tunnel ? Route.ROUTE_TUNNEL : Route.ROUTE_DIRECT)
                    .addAllHosts(hosts));
        }
        response.setHarnessNoProxy(NoProxy.of(direct, allowlist));
        Instant deadline = BuildNetworkRequestRules.instant(request.getBuildDeadline());
        if (throughTunnel.isEmpty()) {
            // ID tokens are secrets: only their number is logged.
            response.addAllCloudIdentityTokens(cloudTokens.issue(account, request.getBuildId(), used, now, deadline));
            LOG.debugf("resolved account=%s build=%s direct=%d tunnel=0 id-tokens=%d", account, request.getBuildId(),
                    keys.size(), response.getCloudIdentityTokensCount());
            return response.build();
        }
        Tunnel tunnel = servingTunnel(account, throughTunnel);
        response.addAllCloudIdentityTokens(cloudTokens.issue(account, request.getBuildId(), used, now, deadline));
        Instant longest = now.plus(config.credentialMaxLifetime());
        Instant expiresAt = (deadline.isBefore(longest) ? deadline : longest).truncatedTo(ChronoUnit.SECONDS);
        List<String> destinations = List.copyOf(allowlist);
        String credential = signer.sign(new BuildCredential(account, request.getBuildId(), tunnel.getPort(),
                destinations, expiresAt));
        String proxy = tunnel.getGateway().getProxyHost() + ":" + tunnel.getPort();
        response.setHarnessHttpProxy("http://build:" + credential + "@" + proxy)
                .setHarnessHttpsProxy("https://build:" + credential + "@" + proxy)
                .setHarnessGitProxy(throughTunnel.stream().anyMatch(c -> c.connectorType().gitType()))
                .addAllDestinationAllowlist(destinations)
                .setCredentialExpiresAt(Timestamp.newBuilder().setSeconds(expiresAt.getEpochSecond()))
                .setTunnelPort(tunnel.getPort());
        // The credential is a secret: it is never logged.
        LOG.debugf("resolved account=%s build=%s port=%d gateway=%s tunnel=%d direct=%d expires=%s id-tokens=%d",
                account, request.getBuildId(), tunnel.getPort(), tunnel.getGateway().getGatewayId(),
                throughTunnel.size(), keys.size() - throughTunnel.size(), expiresAt,
                response.getCloudIdentityTokensCount());
        return response.build();
    }

    /** The connected tunnel the build's Secure Connect connectors use, or FAILED_PRECONDITION saying why not. */
    private Tunnel servingTunnel(String account, List<Connector> throughTunnel) {
        Set<Integer> chosenPorts = throughTunnel.stream().map(c -> c.tunnelPort).filter(p -> p != null)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        if (chosenPorts.size() > 1) {
            throw GrpcFailure.of(Status.Code.FAILED_PRECONDITION, "CONFLICTING_TUNNEL_PORTS",
                    "the build's Secure Connect connectors ask for different tunnels (ports " + chosenPorts
                            + "); a build uses one tunnel",
                    Map.of("ports", chosenPorts.stream().map(String::valueOf).collect(Collectors.joining(","))));
        }
        Optional<Integer> chosen = chosenPorts.stream().findFirst();
        List<Tunnel> known;
        try {
            known = tunnels.tunnels(account, chosen);
        } catch (TunnelDirectory.RegistryUnavailable e) {
            throw GrpcFailure.of(Status.Code.UNAVAILABLE, "TUNNEL_REGISTRY_UNAVAILABLE", e.getMessage());
        } catch (TunnelDirectory.PortOutsidePool e) {
            throw outsidePool(e, throughTunnel);
        }
        return TunnelChoice.serving(known, chosen).orElseThrow(() -> notConnected(account, known, chosen,
                throughTunnel));
    }

    /**
     * A connector names a tunnel port the registry's pool does not hold (the pool is the registry's setting; stored
     * connectors are not rewritten when it changes): the build is told which connector, which port and the pool.
     */
    private static RuntimeException outsidePool(TunnelDirectory.PortOutsidePool e, List<Connector> throughTunnel) {
        String names = throughTunnel.stream().filter(c -> Integer.valueOf(e.port()).equals(c.tunnelPort))
                .map(c -> ConnectorKey.of(c).describe()).collect(Collectors.joining(", "));
        String pool = e.first() + "-" + e.last();
        return GrpcFailure.of(Status.Code.FAILED_PRECONDITION, "PORT_OUT_OF_RANGE",
                "Secure Connect on " + names + " names tunnel port " + e.port() + ", outside tunnel-registry's port"
                        + " pool " + pool + " (secureconnect.registry.ports.first/last); set the connector's"
                        + " secureConnect.tunnelPort to a port of the pool, or leave it out",
                Map.of("port", String.valueOf(e.port()), "first", e.first(), "last", e.last()));
    }

    private static RuntimeException notConnected(String account, List<Tunnel> known, Optional<Integer> chosen,
            List<Connector> throughTunnel) {
        Optional<Tunnel> expected = TunnelChoice.expected(known, chosen);
        String port = chosen.map(String::valueOf)
                .orElse(expected.map(t -> String.valueOf(t.getPort())).orElse("any"));
        String since = expected.filter(Tunnel::hasDisconnectedSince)
                .map(t -> TunnelChoice.instant(t.getDisconnectedSince()).toString()).orElse("never-connected");
        String names = throughTunnel.stream().map(c -> ConnectorKey.of(c).describe()).collect(Collectors.joining(", "));
        String where = port.equals("any") ? "account " + account + " has no connected tunnel"
                : "the tunnel of account " + account + " on port " + port + " is not connected";
        String when = since.equals("never-connected") ? " (it has never connected)" : " (disconnected since " + since + ")";
        return GrpcFailure.of(Status.Code.FAILED_PRECONDITION, "TUNNEL_NOT_CONNECTED",
                "Secure Connect is on for " + names + " but " + where + when
                        + "; start the agent with REMOTE_PORT=" + (port.equals("any") ? "<a port of tunnel-registry's pool>"
                                : port),
                Map.of("port", port, "disconnected_since", since));
    }
}
