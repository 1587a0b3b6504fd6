package io.secureconnect.policy.connector;

import io.secureconnect.policy.tunnel.TunnelChoice;
import io.secureconnect.policy.tunnel.TunnelDirectory;
import io.secureconnect.proto.tunnelregistry.v1.Tunnel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;

/**
 * Maps connectors to their API form and computes {@code proxyUrl} from tunnel-registry: the gateway's proxy
 * host and the port of the tunnel that serves the connector. Reads do not fail when tunnel-registry is down;
 * the proxy URL is then absent, as it is while the tunnel is disconnected.
 */
@ApplicationScoped
public class ConnectorViews {

    @Inject
    TunnelDirectory directory;

    public ConnectorView of(Connector connector) {
        return all(List.of(connector)).get(0);
    }

    /** Views of connectors of one account, with at most one call to tunnel-registry. */
    public List<ConnectorView> all(List<Connector> connectors) {
        Optional<List<Tunnel>> tunnels = connectors.stream().filter(Connector::usesTunnel).findFirst()
                .flatMap(connector -> tunnelsOf(connector.accountId));
        return connectors.stream().map(connector -> ConnectorView.of(connector, proxyUrl(connector, tunnels)))
                .toList();
    }

    private Optional<List<Tunnel>> tunnelsOf(String accountId) {
        try {
            return Optional.of(directory.tunnels(accountId, 0));
        } catch (TunnelDirectory.RegistryUnavailable e) {
            return Optional.empty();
        }
    }

    private static String proxyUrl(Connector connector, Optional<List<Tunnel>> tunnels) {
        if (!connector.usesTunnel() || tunnels.isEmpty()) {
            return null;
        }
        return TunnelChoice.serving(tunnels.get(), Optional.ofNullable(connector.tunnelPort))
                .map(TunnelChoice::proxyAddress).orElse(null);
    }
}
