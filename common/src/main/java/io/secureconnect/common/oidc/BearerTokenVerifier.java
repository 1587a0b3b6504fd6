package io.secureconnect.common.oidc;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.secureconnect.common.identity.OidcPeers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Verifies an OIDC access token with quarkus-oidc's default tenant (signature against the provider's published
 * keys, expiry, not-before, issuer, {@code quarkus.oidc.token.audience}, allowed algorithms) and reads what it says
 * ({@link OidcIdentity}). Shared by REST ({@link io.secureconnect.common.auth.CurrentCaller}) and gRPC
 * ({@link io.secureconnect.common.identity.CallerAuthInterceptor}). A refusal is logged with its reason, never
 * with the token.
 */
@ApplicationScoped
public class BearerTokenVerifier {

    private static final Logger LOG = Logger.getLogger(BearerTokenVerifier.class);

    @Inject
    TenantIdentityProvider provider;

    @Inject
    OidcSettings settings;

    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true")
    boolean tenantEnabled;

    @ConfigProperty(name = "quarkus.oidc.auth-server-url")
    java.util.Optional<String> authServerUrl;

    /** The token was refused: a 401 / UNAUTHENTICATED, with a reason that names no secret. */
    public static final class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The provider could not be asked (its keys could not be fetched): fail closed, 503 / UNAVAILABLE. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** True when this service is configured to accept OIDC tokens at all. */
    public boolean enabled() {
        return tenantEnabled && authServerUrl.isPresent() && !authServerUrl.get().isBlank();
    }

    /**
     * The token's identity; fails with {@link Refused} or {@link Unavailable}. {@code where} names the call for the
     * log line (e.g. {@code GET /api/v1/apikeys}).
     */
    public Uni<OidcIdentity> verify(String token, String where) {
        if (!enabled()) {
            return Uni.createFrom().failure(new Refused("this service accepts no OIDC tokens (no OIDC provider is "
                    + "configured: quarkus.oidc.tenant-enabled / quarkus.oidc.auth-server-url)"));
        }
        return provider.authenticate(new AccessTokenCredential(token))
                .onItem().transform(this::identity)
                .onFailure(f -> !(f instanceof Refused)).transform(failure -> {
                    java.util.Optional<String> reason = TokenRefusal.reason(failure, token);
                    if (reason.isPresent()) {
                        LOG.infof("refused an OIDC bearer token on %s: %s", where, reason.get());
                        LOG.debugf("the refusal on %s came from %s", where, TokenRefusal.chain(failure));
                        return new Refused(reason.get());
                    }
                    LOG.warnf("could not verify an OIDC bearer token on %s: the provider did not answer (%s)", where,
                            failure.getClass().getSimpleName());
                    return new Unavailable("the OIDC provider could not be reached to verify the token");
                });
    }

    private OidcIdentity identity(SecurityIdentity identity) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            throw new Refused("it is not a JWT access token");
        }
        Set<String> roles = new HashSet<>(identity.getRoles());
        String clientId = claim(jwt, "azp");
        if (clientId == null) {
            clientId = claim(jwt, "client_id");
        }
        return new OidcIdentity(jwt.getSubject(), clientId, claim(jwt, settings.accountClaim()),
                claim(jwt, settings.orgClaim()), claim(jwt, settings.projectClaim()), roles,
                roles.contains(settings.abacAllRole()), claim(jwt, OidcPeers.GATEWAY_ID_CLAIM));
    }

    /** A string claim, or null when absent, blank or not a string. */
    static String claim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        String text = value instanceof JsonString json ? json.getString() : value instanceof String s ? s : null;
        return text == null || text.isBlank() ? null : text;
    }
}
