package io.secureconnect.common.identity;

import io.secureconnect.common.oidc.OidcIdentity;
import java.util.Optional;

/**
 * The OIDC alternative to certificates (deploy/keycloak/README.md): a client-credentials token whose roles name a
 * machine identity. {@code sc_tunnel_registry} and {@code sc_connector_policy} are those services;
 * {@code sc_gateway} is a gateway, named by the token's {@code gateway_id} claim (a gateway token without it is no
 * identity); {@code sc_runner} is a runner, named by the OAuth client. A token with none of these roles is an
 * account-scoped identity, if anything.
 */
public final class OidcPeers {

    public static final String GATEWAY_ROLE = "sc_gateway";
    public static final String RUNNER_ROLE = "sc_runner";
    public static final String GATEWAY_ID_CLAIM = "gateway_id";

    private OidcPeers() {
    }

    /** Whether the token claims to be a machine identity at all. */
    public static boolean claimsPeer(OidcIdentity identity) {
        return identity.roles().stream().anyMatch(role -> role.equals(GATEWAY_ROLE) || role.equals(RUNNER_ROLE)
                || serviceOf(role).isPresent());
    }

    /** The machine identity the token proves, if exactly one. */
    public static Optional<Peer> peer(OidcIdentity identity) {
        String gatewayId = identity.gatewayId();
        Peer found = null;
        for (String role : identity.roles()) {
            Peer peer = null;
            if (role.equals(GATEWAY_ROLE) && gatewayId != null && Peer.NAME.matcher(gatewayId).matches()) {
                peer = Peer.gateway(gatewayId);
            } else if (role.equals(RUNNER_ROLE) && identity.clientId() != null
                    && Peer.NAME.matcher(identity.clientId()).matches()) {
                peer = Peer.runner(identity.clientId());
            } else if (serviceOf(role).isPresent()) {
                peer = Peer.service(serviceOf(role).get());
            }
            if (peer != null) {
                if (found != null && !found.equals(peer)) {
                    return Optional.empty();
                }
                found = peer;
            }
        }
        return Optional.ofNullable(found);
    }

    private static Optional<String> serviceOf(String role) {
        return switch (role) {
            case "sc_tunnel_registry" -> Optional.of("tunnel-registry");
            case "sc_connector_policy" -> Optional.of("connector-policy");
            case "sc_key_validator" -> Optional.of("key-validator");
            default -> Optional.empty();
        };
    }
}
