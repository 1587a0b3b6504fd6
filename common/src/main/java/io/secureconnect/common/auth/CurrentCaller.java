package io.secureconnect.common.auth;

import io.secureconnect.common.oidc.BearerTokenVerifier;
import io.secureconnect.common.oidc.OidcCallerRules;
import io.secureconnect.common.oidc.OidcIdentity;
import io.secureconnect.common.oidc.OidcSettings;
import io.secureconnect.common.problem.ProblemException;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The caller of the current REST request, checked only when a resource asks for it, so that public
 * endpoints cost nothing. {@code x-api-key: <token>} carries an API key; {@code Authorization: Bearer <token>} an
 * OIDC access token of the configured provider (see {@link OidcSettings} for how its claims and roles map to an
 * account and permissions). When both are sent, the API key is used.
 */
@RequestScoped
public class CurrentCaller {

    public static final String API_KEY_HEADER = "x-api-key";
    private static final String BEARER = "bearer ";

    @Inject
    RoutingContext request;

    @Inject
    CredentialVerifier verifier;

    @Inject
    BearerTokenVerifier bearer;

    @Inject
    OidcSettings oidc;

    /**
     * The caller, if it may act on {@code accountId} with every permission named; otherwise 401 or 403.
     * Another account's caller gets 403 without learning whether the object it asked for exists.
     */
    public Caller require(String accountId, String... permissions) {
        return require(accountId, Target.ownScope(), permissions);
    }

    /**
     * The caller, if it may act on {@code accountId} with every permission named, for {@code target}: one resource
     * its resource groups must cover (else 403 ABAC_SCOPE_TOO_NARROW, whether the resource exists or not), or the
     * scope of a list, whose covered resources {@link Caller#coverage()} names.
     */
    public Caller require(String accountId, Target target, String... permissions) {
        String apiKey = request.request().getHeader(API_KEY_HEADER);
        String authorization = request.request().getHeader("Authorization");
        if ((apiKey == null || apiKey.isBlank()) && authorization == null) {
            throw ProblemException.unauthorized("send an API key in the x-api-key header, "
                    + "or an OIDC access token as 'Authorization: Bearer <token>'");
        }
        if (apiKey == null || apiKey.isBlank()) {
            return requireBearer(authorization, accountId, Set.of(permissions), target);
        }
        Caller caller = verifier.verifyApiKey(apiKey.trim(), accountId, Set.of(permissions), target);
        if (accountId != null && !accountId.equals(caller.accountId())) {
            throw ProblemException.forbidden("WRONG_ACCOUNT", "this API key belongs to another account");
        }
        return caller;
    }

    private Caller requireBearer(String authorization, String accountId, Set<String> permissions, Target target) {
        String value = authorization.trim();
        if (value.length() <= BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw ProblemException.unauthorized("the Authorization header must be 'Bearer <OIDC access token>'; "
                    + "API keys go in the x-api-key header");
        }
        String token = value.substring(BEARER.length()).trim();
        String where = request.request().method() + " " + request.request().path();
        OidcIdentity identity;
        try {
            identity = bearer.verify(token, where).await().atMost(oidc.verifyTimeout());
        } catch (BearerTokenVerifier.Refused e) {
            throw ProblemException.unauthorized("the bearer token was refused: " + e.getMessage());
        } catch (BearerTokenVerifier.Unavailable | io.smallrye.mutiny.TimeoutException e) {
            throw new ProblemException(503, "OIDC_UNAVAILABLE", "the OIDC provider could not be reached to verify "
                    + "the token; nothing is authorized until it can", List.of(), Map.of());
        }
        return OidcCallerRules.caller(identity, accountId, permissions, oidc.accountClaim(), target);
    }
}
