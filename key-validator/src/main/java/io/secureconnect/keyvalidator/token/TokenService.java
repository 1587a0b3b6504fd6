package io.secureconnect.keyvalidator.token;

import io.quarkus.panache.common.Sort;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.keyvalidator.apikey.ApiKey;
import io.secureconnect.keyvalidator.apikey.ApiKeyService;
import io.secureconnect.keyvalidator.paging.Page;
import io.secureconnect.keyvalidator.revocation.EndCause;
import io.secureconnect.keyvalidator.revocation.RevocationLog;
import io.secureconnect.keyvalidator.scope.Duplicates;
import io.secureconnect.keyvalidator.scope.Fields;
import io.secureconnect.keyvalidator.scope.Identifiers;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.SecretHasher;
import io.secureconnect.keyvalidator.secret.TokenString;
import io.secureconnect.keyvalidator.validation.LastUsedRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Issues, lists, rotates, revokes and deletes the tokens of an API key. Every change that ends a token writes
 * its revocation event in the same transaction; the token string leaves only through {@link IssuedToken}.
 */
@ApplicationScoped
public class TokenService {

    private static final Logger LOG = Logger.getLogger(TokenService.class);
    private static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    @Inject
    SecretHasher hasher;

    @Inject
    RevocationLog revocationLog;

    @Inject
    LastUsedRecorder lastUsed;

    @Transactional
    public IssuedToken create(Scope scope, String keyIdentifier, TokenRequest request) {
        Fields.required("body", request);
        String identifier = Fields.identifier("identifier", request.identifier());
        String name = Fields.name("name", request.name());
        String description = Fields.description("description", request.description());
        Map<String, String> tags = Fields.tags("tags", request.tags());
        Instant now = now();
        Instant validFrom = request.validFrom() == null ? now : request.validFrom().truncatedTo(ChronoUnit.MICROS);
        ApiKey key = ApiKeyService.require(scope, keyIdentifier);
        Instant validTo = request.validTo() == null
                ? validFrom.plusMillis(key.defaultTokenLifetimeMs)
                : request.validTo().truncatedTo(ChronoUnit.MICROS);
        checkValidTo("validTo", validFrom, validTo, now);
        return issue(key, identifier, name, description, tags, validFrom, validTo, now);
    }

    @Transactional
    public Page<TokenView> list(Scope scope, String keyIdentifier, int page, int limit) {
        ApiKey key = ApiKeyService.require(scope, keyIdentifier);
        var query = Token.<Token>find("apiKeyId", Sort.by("identifier").and("createdAt", Sort.Direction.Descending),
                key.id);
        long total = query.count();
        Instant now = now();
        List<TokenView> content = query.page(page, limit).list().stream().map(token -> view(key, token, now)).toList();
        return new Page<>(content, page, limit, total);
    }

    @Transactional
    public TokenView get(Scope scope, String keyIdentifier, String tokenIdentifier) {
        ApiKey key = ApiKeyService.require(scope, keyIdentifier);
        return view(key, requireCurrent(key, tokenIdentifier), now());
    }

    /** A new token with the same identifier; the old one keeps working until {@code oldTokenValidUntil}. */
    @Transactional
    public IssuedToken rotate(Scope scope, String keyIdentifier, String tokenIdentifier, RotateTokenRequest request) {
        Fields.required("body", request);
        Instant now = now();
        Instant cutOff = Fields.required("oldTokenValidUntil", request.oldTokenValidUntil()).truncatedTo(ChronoUnit.MICROS);
        if (cutOff.isBefore(now)) {
            throw ProblemException.invalidField("oldTokenValidUntil", "must not be in the past");
        }
        revocationLog.lockForWrite();
        ApiKey key = ApiKeyService.require(scope, keyIdentifier);
        Token old = requireCurrent(key, tokenIdentifier);
        if (old.revokedAt != null) {
            throw ProblemException.unprocessable("TOKEN_REVOKED", "token '" + tokenIdentifier + "' is revoked; create a new one");
        }
        if (!now.isBefore(old.endsAt())) {
            throw ProblemException.unprocessable("TOKEN_EXPIRED", "token '" + tokenIdentifier + "' has expired; create a new one");
        }
        if (cutOff.isAfter(old.endsAt())) {
            throw ProblemException.invalidField("oldTokenValidUntil",
                    "must not be after the old token's end (" + old.endsAt() + ")");
        }
        Instant validTo = request.validTo() == null ? now.plusMillis(key.defaultTokenLifetimeMs)
                : request.validTo().truncatedTo(ChronoUnit.MICROS);
        checkValidTo("validTo", now, validTo, now);
        old.scheduledExpireTime = cutOff;
        old.rotatedAt = now;
        old.flush();
        revocationLog.tokenChanged(key.accountId, old.id);
        LOG.infof("token rotated: account=%s key=%s token=%s old_token_id=%s old_valid_until=%s", key.accountId,
                key.identifier, tokenIdentifier, old.id, cutOff);
        return issue(key, old.identifier, old.name, old.description, old.tags, now, validTo, now);
    }

    /** Revokes every generation of the token; revoking a revoked token changes nothing. */
    @Transactional
    public TokenView revoke(Scope scope, String keyIdentifier, String tokenIdentifier) {
        revocationLog.lockForWrite();
        ApiKey key = ApiKeyService.require(scope, keyIdentifier);
        Token current = requireCurrent(key, tokenIdentifier);
        Instant now = now();
        for (Token token : Token.generations(key.id, tokenIdentifier)) {
            if (token.revokedAt == null) {
                token.revokedAt = now;
                revocationLog.tokenEnded(key.accountId, key.identifier, token.id, EndCause.REVOKED);
                LOG.infof("token revoked: account=%s key=%s token=%s token_id=%s", key.accountId, key.identifier,
                        tokenIdentifier, token.id);
            }
        }
        return view(key, current, now);
    }

    /** Deletes every generation of the token, announcing the ones still alive as revoked. */
    @Transactional
    public void delete(Scope scope, String keyIdentifier, String tokenIdentifier) {
        revocationLog.lockForWrite();
        ApiKey key = ApiKeyService.require(scope, keyIdentifier);
        requireCurrent(key, tokenIdentifier);
        for (Token token : Token.generations(key.id, tokenIdentifier)) {
            if (token.revokedAt == null) {
                revocationLog.tokenEnded(key.accountId, key.identifier, token.id, EndCause.REVOKED);
            }
            token.delete();
        }
        LOG.infof("token deleted: account=%s key=%s token=%s", key.accountId, key.identifier, tokenIdentifier);
    }

    /** Issues a token on {@code key} inside the caller's transaction (used by the bootstrap). */
    public IssuedToken issueInCurrentTransaction(ApiKey key, String identifier, String name, Duration lifetime) {
        Instant now = now();
        return issue(key, identifier, name, "", Map.of(), now, now.plus(lifetime), now);
    }

    private IssuedToken issue(ApiKey key, String identifier, String name, String description, Map<String, String> tags,
            Instant validFrom, Instant validTo, Instant now) {
        TokenString tokenString = TokenString.generate(key.keyType, key.accountId);
        Token token = new Token();
        token.id = tokenString.tokenId();
        token.apiKeyId = key.id;
        token.identifier = identifier;
        token.name = name;
        token.description = description;
        token.tags = tags;
        token.secretHash = hasher.hash(tokenString.secret());
        token.validFrom = validFrom;
        token.validTo = validTo;
        token.createdAt = now;
        Duplicates.conflictOn(Token.CURRENT_IDENTIFIER_UNIQUE,
                "a token '" + identifier + "' already exists on API key '" + key.identifier + "'", token::persistAndFlush);
        LOG.infof("token issued: account=%s key=%s token=%s token_id=%s valid_to=%s", key.accountId, key.identifier,
                identifier, token.id, validTo);
        return new IssuedToken(tokenString.reveal(), view(key, token, now));
    }

    private TokenView view(ApiKey key, Token token, Instant now) {
        Instant pending = lastUsed.pending(token.id);
        Instant shown = token.lastUsedAt == null || (pending != null && pending.isAfter(token.lastUsedAt))
                ? pending : token.lastUsedAt;
        return TokenView.of(key, token, shown, now);
    }

    private static Token requireCurrent(ApiKey key, String tokenIdentifier) {
        Identifiers.requirePath("tokenIdentifier", tokenIdentifier);
        return Token.current(key.id, tokenIdentifier).orElseThrow(() -> ProblemException.notFound(
                "no token '" + tokenIdentifier + "' on API key '" + key.identifier + "'"));
    }

    private static void checkValidTo(String field, Instant validFrom, Instant validTo, Instant now) {
        if (!validTo.isAfter(now)) {
            throw ProblemException.invalidField(field, "must be in the future");
        }
        if (!validTo.isAfter(validFrom)) {
            throw ProblemException.invalidField(field, "must be after validFrom");
        }
        if (Duration.between(validFrom, validTo).compareTo(MAX_LIFETIME) > 0) {
            throw ProblemException.invalidField(field, "must be at most 10 years after validFrom");
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
