package io.secureconnect.keyvalidator.validation;

import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.keyvalidator.permission.PermissionCatalog;
import io.secureconnect.keyvalidator.revocation.RevocationPoller;
import io.secureconnect.keyvalidator.secret.SecretHasher;
import io.secureconnect.keyvalidator.secret.TokenString;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "Is this token valid, whose is it, and may it do X?" The one code path behind gRPC ValidateToken, the REST
 * x-api-key check and the ACL endpoint. Order of checks: MALFORMED, UNKNOWN (missing id and wrong secret look
 * the same, and both compute an HMAC), REVOKED, EXPIRED, NOT_YET_VALID, WRONG_ACCOUNT, MISSING_PERMISSION,
 * ABAC_SCOPE_TOO_NARROW (ABAC All asked for and not held, or the target resource, or one of several, not covered).
 * Expiry is checked against the clock on every call. Resource groups are evaluated by {@link AclEvaluator} from the
 * cached grants, in memory: a resource check or a coverage answer reads nothing more.
 */
@ApplicationScoped
public class TokenValidator {

    private static final byte[] NO_HASH = new byte[32];

    @Inject
    SecretHasher hasher;

    @Inject
    TokenCache cache;

    @Inject
    TokenStore store;

    @Inject
    RevocationPoller poller;

    @Inject
    PermissionCatalog catalog;

    @Inject
    LastUsedRecorder lastUsed;

    @Inject
    TokenLoader loader;

    @Inject
    Targets targets;

    /** Where {@link #validate(Check, Answer)} delivers: on the calling thread or on a store thread. */
    public interface Answer {
        void answer(Validation validation);

        /** The database did not answer ({@link TokenStore.StoreUnavailableException}) or too many misses wait. */
        void failed(RuntimeException failure);
    }

    /**
     * What to check. {@code expectedAccountId} may be empty. {@code target}: one resource every required permission
     * must cover, or the scope whose coverage to answer (the key's own for {@link Target.OwnScope}).
     */
    public record Check(String token, List<String> requiredPermissions, boolean requireAbacAll, String expectedAccountId,
            Target target) {

        public Check(String token, List<String> requiredPermissions, boolean requireAbacAll, String expectedAccountId) {
            this(token, requiredPermissions, requireAbacAll, expectedAccountId, Target.ownScope());
        }
    }

    /** The answer, reading the database (one query) when the cache cannot answer: blocking, for worker threads. */
    public Validation validate(Check check) {
        List<String> required = knownPermissions(check.requiredPermissions());
        targets.check(check.target(), required);
        Optional<TokenString> parsed = TokenString.parse(check.token());
        if (parsed.isEmpty()) {
            return malformed();
        }
        TokenString token = parsed.get();
        TokenRecord record = poller.isFresh() ? cache.get(token.tokenId()) : null;
        if (record == null) {
            long generation = cache.generation();
            record = store.find(token.tokenId()).orElse(null);
            if (record != null) {
                cache.put(record, generation);
            }
        }
        return evaluate(token, record, required, check, Instant.now());
    }

    /**
     * The answer without blocking: at once when memory gives it, otherwise after the token is read on a store thread
     * ({@link TokenLoader}, batched with other misses). Unknown permissions and a target that cannot be checked
     * ({@link InvalidResourceException}) throw here, before anything is read.
     */
    public void validate(Check check, Answer answer) {
        List<String> required = knownPermissions(check.requiredPermissions());
        targets.check(check.target(), required);
        Optional<TokenString> parsed = TokenString.parse(check.token());
        if (parsed.isEmpty()) {
            answer.answer(malformed());
            return;
        }
        TokenString token = parsed.get();
        TokenRecord cached = poller.isFresh() ? cache.get(token.tokenId()) : null;
        if (cached != null) {
            answer.answer(evaluate(token, cached, required, check, Instant.now()));
            return;
        }
        loader.load(token.tokenId(), (record, failure) -> {
            if (failure != null) {
                answer.failed(failure);
            } else {
                answer.answer(evaluate(token, record, required, check, Instant.now()));
            }
        });
    }

    private static Validation malformed() {
        return Validation.denied(DenialReason.MALFORMED, null,
                "the token is malformed: expected pat.<accountId>.<tokenId>.<secret> or sat.<...>");
    }

    private Validation evaluate(TokenString token, TokenRecord record, List<String> required, Check check, Instant now) {
        boolean secretMatches = hasher.matches(token.secret(), record == null ? NO_HASH : record.secretHash());
        if (record == null) {
            return Validation.denied(DenialReason.UNKNOWN, null, "no such token");
        }
        if (!secretMatches || record.keyType() != token.type()
                || !record.keyScope().accountId().equals(token.accountId())) {
            return Validation.wrongSecret("no such token");
        }
        if (record.revoked()) {
            return Validation.denied(DenialReason.REVOKED, record, "the token was revoked");
        }
        if (!now.isBefore(record.endsAt())) {
            return Validation.denied(DenialReason.EXPIRED, record, "the token expired at " + record.endsAt());
        }
        if (now.isBefore(record.validFrom())) {
            return Validation.denied(DenialReason.NOT_YET_VALID, record, "the token is valid from " + record.validFrom());
        }
        String expected = check.expectedAccountId();
        if (expected != null && !expected.isEmpty() && !expected.equals(record.keyScope().accountId())) {
            return Validation.denied(DenialReason.WRONG_ACCOUNT, record, "the token belongs to another account");
        }
        EffectivePermissions effective = record.effective();
        List<String> missing = missing(required, effective.grantedSet());
        if (!missing.isEmpty()) {
            return new Validation(false, DenialReason.MISSING_PERMISSION, record, effective.granted(), missing, false,
                    null, "the token lacks " + String.join(", ", missing), null, null);
        }
        boolean abacAll = required.isEmpty() ? effective.anyAll() : effective.grantedOverAll().containsAll(required);
        if (check.requireAbacAll() && !abacAll) {
            return Validation.tooNarrow(record, "the token's resource group does not cover every resource (ABAC All)");
        }
        String coverageType = null;
        Coverage coverage = null;
        if (check.target() instanceof Target.One one) {
            if (!targets.covers(record, required, one.resource(), abacAll)) {
                return Validation.tooNarrow(record, "the token's resource groups do not cover "
                        + one.resource().describe());
            }
        } else if (check.target() instanceof Target.Several several) {
            for (ResourceRef resource : several.resources()) {
                if (!targets.covers(record, required, resource, abacAll)) {
                    return Validation.tooNarrow(record, "the token's resource groups do not cover "
                            + resource.describe());
                }
            }
        } else {
            coverageType = targets.singleResourceType(required);
            if (coverageType != null) {
                coverage = targets.coverage(record, required, coverageType, check.target(), abacAll);
            }
        }
        lastUsed.record(record.tokenId(), now);
        return new Validation(true, null, record, effective.granted(), List.of(), abacAll, record.endsAt(), "",
                coverageType, coverage);
    }

    private static List<String> missing(List<String> required, Set<String> granted) {
        List<String> missing = List.of();
        for (String permission : required) {
            if (!granted.contains(permission)) {
                if (missing.isEmpty()) {
                    missing = new ArrayList<>();
                }
                missing.add(permission);
            }
        }
        return missing;
    }

    private List<String> knownPermissions(List<String> permissions) {
        if (permissions == null || permissions.isEmpty()) {
            return List.of();
        }
        for (String permission : permissions) {
            if (!catalog.isKnown(permission)) {
                throw new UnknownPermissionException(permission);
            }
        }
        return permissions.size() == 1 ? List.of(permissions.get(0)) : List.copyOf(new LinkedHashSet<>(permissions));
    }
}
