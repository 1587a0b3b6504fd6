package io.secureconnect.common.credential;

import java.time.Instant;
import java.util.List;

/**
 * What a build's proxy credential says: the build of this account may use the tunnel on this port to reach
 * these destinations until then. Issued by connector-policy, verified offline by every gateway.
 *
 * @param destinations host or host:port entries; a leading "*." matches any subdomain
 */
public record BuildCredential(String accountId, String buildId, int port, List<String> destinations,
        Instant expiresAt) {

    public BuildCredential {
        destinations = List.copyOf(destinations);
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
