package io.secureconnect.common.oidc.client;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * This service's own OIDC access token (client credentials grant of {@code quarkus.oidc-client.*}, which each service
 * maps from {@link ServiceTokenSettings}), shared by every gRPC call and fetched again only when it is within
 * {@code secureconnect.service-token.refresh-before} of expiring.
 * Concurrent callers that find it stale share one request to the provider. The token is never logged.
 */
@ApplicationScoped
public class ServiceTokens {

    private static final Logger LOG = Logger.getLogger(ServiceTokens.class);

    @Inject
    OidcClient client;

    @Inject
    ServiceTokenSettings settings;

    private Tokens current;
    private Uni<Tokens> inFlight;

    /** A valid access token, from the cache when it is fresh enough. */
    public Uni<String> accessToken() {
        Uni<Tokens> request;
        synchronized (this) {
            if (fresh(current)) {
                return Uni.createFrom().item(current.getAccessToken());
            }
            if (inFlight == null) {
                inFlight = client.getTokens().onItemOrFailure().invoke((tokens, failure) -> {
                    synchronized (this) {
                        inFlight = null;
                        if (tokens != null) {
                            current = tokens;
                        }
                    }
                    if (failure != null) {
                        LOG.warnf("could not get an OIDC access token by client credentials: %s",
                                failure.getClass().getSimpleName());
                    } else {
                        LOG.debugf("got an OIDC access token by client credentials, expiring at %s",
                                tokens.getAccessTokenExpiresAt());
                    }
                }).memoize().indefinitely();
            }
            request = inFlight;
        }
        return request.map(Tokens::getAccessToken);
    }

    private boolean fresh(Tokens tokens) {
        if (tokens == null) {
            return false;
        }
        Long expiresAt = tokens.getAccessTokenExpiresAt();
        return expiresAt == null
                || Instant.ofEpochSecond(expiresAt).minus(settings.refreshBefore()).isAfter(Instant.now());
    }
}
