package io.secureconnect.keyvalidator.validation;

import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.CredentialVerifier;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.keyvalidator.ratelimit.FailureLimiter;
import io.secureconnect.keyvalidator.ratelimit.KeyFailureBudget;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.scope.ScopeAccess;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The REST x-api-key check of this service: the same {@link TokenValidator} as gRPC ValidateToken, locally.
 * 401 for malformed, unknown, revoked, expired or not yet valid tokens; 403 naming missing permissions, another
 * account (checked before anything else is evaluated) or a resource its groups do not cover;
 * 429 with Retry-After once a remote address has failed too often (RATE_LIMITED), or for a failing use of a token
 * id over its own failure budget (KEY_THROTTLED, {@link KeyFailureBudget}); 503 when the database does not answer.
 */
@ApplicationScoped
public class LocalCredentialVerifier implements CredentialVerifier {

    @Inject
    TokenValidator validator;

    @Inject
    FailureLimiter limiter;

    @Inject
    KeyFailureBudget keys;

    @Inject
    CurrentVertxRequest currentRequest;

    @Override
    public Caller verifyApiKey(String token, String accountId, Set<String> requiredPermissions, Target target) {
        Validation validation = authenticate(token, List.copyOf(requiredPermissions), accountId, target);
        if (!validation.valid()) {
            switch (validation.reason()) {
                case MISSING_PERMISSION -> throw ProblemException.forbidden("MISSING_PERMISSION",
                        "this API key lacks " + String.join(", ", validation.missingPermissions()));
                case ABAC_SCOPE_TOO_NARROW -> throw outsideKey(validation.record(), target)
                        ? ScopeAccess.outsideKey() : target.tooNarrow("this API key");
                case WRONG_ACCOUNT -> throw ProblemException.forbidden("WRONG_ACCOUNT",
                        "this API key belongs to another account");
                default -> throw ProblemException.unauthorized("the API key is " + describe(validation.reason()));
            }
        }
        TokenRecord record = validation.record();
        return new Caller(record.keyScope().accountId(), record.keyScope().orgId(), record.keyScope().projectId(),
                "apikey:" + record.apiKeyIdentifier() + "/token:" + record.tokenId(),
                Set.copyOf(validation.grantedPermissions()), validation.abacAll(),
                validation.coverage() == null ? Coverage.NONE : validation.coverage());
    }

    /** Whether the resource asked for lies outside the key's scope (not a matter of its resource groups). */
    private static boolean outsideKey(TokenRecord record, Target target) {
        return target instanceof Target.One one && record != null && !record.keyScope().contains(
                new Scope(record.keyScope().accountId(), one.resource().orgId(), one.resource().projectId()));
    }

    /** {@link #authenticate(String, List, String, Target)} for no account and no target (the ACL endpoint). */
    public Validation authenticate(String token, List<String> requiredPermissions) {
        return authenticate(token, requiredPermissions, null, Target.ownScope());
    }

    /**
     * Validates the caller's token for {@code requiredPermissions}, counting malformed and unknown tokens
     * against the remote address and refusing (429) an address over its budget.
     */
    public Validation authenticate(String token, List<String> requiredPermissions, String accountId, Target target) {
        String caller = "http:" + remoteAddress();
        OptionalLong retryAfter = limiter.begin(caller, token);
        if (retryAfter.isPresent()) {
            throw ProblemException.tooManyRequests("too many failed API key checks from this address; retry after "
                    + retryAfter.getAsLong() + " s", retryAfter.getAsLong());
        }
        KeyFailureBudget.Ticket ticket = keys.begin(token);
        Validation validation = null;
        OptionalLong throttled;
        try {
            validation = validator.validate(new TokenValidator.Check(token, requiredPermissions, false,
                    accountId == null ? "" : accountId, target));
        } catch (InvalidResourceException e) {
            throw ProblemException.invalidField(e.field(), e.getMessage());
        } catch (TokenStore.StoreUnavailableException e) {
            throw new ProblemException(503, "DATABASE_UNAVAILABLE",
                    "the key database did not answer; nothing is authorized until it does", List.of(), Map.of());
        } finally {
            limiter.end(caller, token, validation != null && !validation.valid()
                    && validation.reason().isAuthenticationFailure());
            throttled = keys.end(ticket, caller, validation != null && validation.keyFailure());
        }
        if (throttled.isPresent()) {
            // Only failing uses get here: the right secret is answered, whatever the id's failures.
            throw new ProblemException(429, "KEY_THROTTLED", "too many failed uses of this API key's token id; retry"
                    + " after " + throttled.getAsLong() + " s", List.of(),
                    Map.of("Retry-After", String.valueOf(throttled.getAsLong())));
        }
        return validation;
    }

    /** A 401 for a refused token of the REST API, the same wording for every cause of the same kind. */
    public static ProblemException unauthorized(DenialReason reason) {
        return ProblemException.unauthorized("the API key is " + describe(reason));
    }

    private static String describe(DenialReason reason) {
        return switch (reason) {
            case MALFORMED -> "malformed: expected pat.<accountId>.<tokenId>.<secret> or sat.<...>";
            case REVOKED -> "revoked";
            case EXPIRED -> "expired";
            case NOT_YET_VALID -> "not valid yet";
            default -> "not known";
        };
    }

    private String remoteAddress() {
        RoutingContext context = currentRequest.getCurrent();
        if (context == null || context.request().remoteAddress() == null) {
            return "unknown";
        }
        return context.request().remoteAddress().hostAddress();
    }
}
