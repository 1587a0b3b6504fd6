package io.secureconnect.common.auth;

import io.secureconnect.common.problem.ProblemException;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import java.util.Set;

/**
 * The caller of the current REST request, checked only when a resource asks for it, so that public
 * endpoints cost nothing. {@code x-api-key: <token>} carries an API key.
 */
@RequestScoped
public class CurrentCaller {

    public static final String API_KEY_HEADER = "x-api-key";

    @Inject
    RoutingContext request;

    @Inject
    CredentialVerifier verifier;

    /**
     * The caller, if it may act on {@code accountId} with every permission named; otherwise 401 or 403.
     * Another account's caller gets 403 without learning whether the object it asked for exists.
     */
    public Caller require(String accountId, String... permissions) {
        String apiKey = request.request().getHeader(API_KEY_HEADER);
        String authorization = request.request().getHeader("Authorization");
        if ((apiKey == null || apiKey.isBlank()) && authorization == null) {
            throw ProblemException.unauthorized("send an API key in the x-api-key header");
        }
        if (apiKey == null || apiKey.isBlank()) {
            throw ProblemException.unauthorized("the Authorization header is not accepted here yet; "
                    + "send an API key in the x-api-key header");
        }
        Caller caller = verifier.verifyApiKey(apiKey.trim(), Set.of(permissions));
        if (accountId != null && !accountId.equals(caller.accountId())) {
            throw ProblemException.forbidden("WRONG_ACCOUNT", "this API key belongs to another account");
        }
        return caller;
    }
}
