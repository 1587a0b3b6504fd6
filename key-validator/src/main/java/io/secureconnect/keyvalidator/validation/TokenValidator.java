package io.secureconnect.keyvalidator.validation;

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
import java.util.TreeSet;

/**
 * "Is this token valid, whose is it, and may it do X?" The one code path behind gRPC ValidateToken, the REST
 * x-api-key check and the ACL endpoint. Order of checks: MALFORMED, UNKNOWN (missing id and wrong secret look
 * the same, and both compute an HMAC), REVOKED, EXPIRED, NOT_YET_VALID, WRONG_ACCOUNT, MISSING_PERMISSION,
 * ABAC_SCOPE_TOO_NARROW. Expiry is checked against the clock on every call.
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

    /** What to check. {@code expectedAccountId} may be empty. */
    public record Check(String token, List<String> requiredPermissions, boolean requireAbacAll, String expectedAccountId) {
    }

    /** The answer, reading the database when the cache cannot answer (blocking). */
    public Validation validate(Check check) {
        return validate(check, true).orElseThrow();
    }

    /** The answer if memory alone gives it (parse errors, fresh cache hits); empty when the database is needed. */
    public Optional<Validation> validateFromMemory(Check check) {
        return validate(check, false);
    }

    private Optional<Validation> validate(Check check, boolean mayReadDatabase) {
        List<String> required = knownPermissions(check.requiredPermissions());
        Optional<TokenString> parsed = TokenString.parse(check.token());
        if (parsed.isEmpty()) {
            return Optional.of(Validation.denied(DenialReason.MALFORMED, null,
                    "the token is malformed: expected pat.<accountId>.<tokenId>.<secret> or sat.<...>"));
        }
        TokenString token = parsed.get();
        TokenRecord record = poller.isFresh() ? cache.get(token.tokenId()) : null;
        if (record == null) {
            if (!mayReadDatabase) {
                return Optional.empty();
            }
            long generation = cache.generation();
            record = store.find(token.tokenId()).orElse(null);
            if (record != null) {
                cache.put(record, generation);
            }
        }
        return Optional.of(evaluate(token, record, required, check, Instant.now()));
    }

    private Validation evaluate(TokenString token, TokenRecord record, List<String> required, Check check, Instant now) {
        boolean secretMatches = hasher.matches(token.secret(), record == null ? NO_HASH : record.secretHash());
        if (record == null || !secretMatches || record.keyType() != token.type()
                || !record.keyScope().accountId().equals(token.accountId())) {
            return Validation.denied(DenialReason.UNKNOWN, null, "no such token");
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
        Set<String> granted = new TreeSet<>();
        Set<String> grantedOverAll = new TreeSet<>();
        boolean anyAll = false;
        for (Grant grant : record.grants()) {
            if (grant.scope().contains(record.keyScope())) {
                granted.addAll(grant.permissions());
                if (grant.includeAllResources()) {
                    grantedOverAll.addAll(grant.permissions());
                    anyAll = true;
                }
            }
        }
        List<String> missing = required.stream().filter(permission -> !granted.contains(permission)).toList();
        if (!missing.isEmpty()) {
            return new Validation(false, DenialReason.MISSING_PERMISSION, record, List.copyOf(granted), missing, false,
                    null, "the token lacks " + String.join(", ", missing));
        }
        boolean abacAll = required.isEmpty() ? anyAll : grantedOverAll.containsAll(required);
        if (check.requireAbacAll() && !abacAll) {
            return new Validation(false, DenialReason.ABAC_SCOPE_TOO_NARROW, record, List.copyOf(granted), List.of(),
                    false, null, "the token's resource group does not cover every resource (ABAC All)");
        }
        lastUsed.record(record.tokenId(), now);
        return new Validation(true, null, record, List.copyOf(granted), List.of(), abacAll, record.endsAt(), "");
    }

    private List<String> knownPermissions(List<String> permissions) {
        Set<String> unique = new LinkedHashSet<>();
        for (String permission : permissions == null ? List.<String>of() : permissions) {
            if (!catalog.isKnown(permission)) {
                throw new UnknownPermissionException(permission);
            }
            unique.add(permission);
        }
        return new ArrayList<>(unique);
    }
}
