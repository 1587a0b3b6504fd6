package io.secureconnect.keyvalidator.apikey;

import io.quarkus.panache.common.Sort;
import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.paging.Page;
import io.secureconnect.keyvalidator.revocation.RevocationLog;
import io.secureconnect.keyvalidator.scope.Duplicates;
import io.secureconnect.keyvalidator.scope.Fields;
import io.secureconnect.keyvalidator.scope.Identifiers;
import io.secureconnect.keyvalidator.scope.Scope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jboss.logging.Logger;

/** Creates, changes and deletes API keys; deleting one revokes all its tokens in the same transaction. */
@ApplicationScoped
public class ApiKeyService {

    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);
    static final long MAX_LIFETIME_MS = Duration.ofDays(3650).toMillis();

    @Inject
    KeysConfig config;

    @Inject
    RevocationLog revocationLog;

    @Transactional
    public ApiKeyView create(Scope scope, ApiKeyRequest request) {
        Fields.required("body", request);
        ApiKey key = new ApiKey();
        key.accountId = scope.accountId();
        key.orgId = scope.orgId();
        key.projectId = scope.projectId();
        key.identifier = Fields.identifier("identifier", request.identifier());
        key.name = Fields.name("name", request.name());
        key.description = Fields.description("description", request.description());
        key.tags = Fields.tags("tags", request.tags());
        key.keyType = Fields.required("apiKeyType", request.apiKeyType());
        key.parentId = Fields.identifier("parentIdentifier", request.parentIdentifier());
        key.defaultTokenLifetimeMs = request.defaultTimeToExpireToken() == null
                ? config.defaultTokenLifetime().toMillis()
                : lifetime(request.defaultTimeToExpireToken());
        key.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        key.updatedAt = key.createdAt;
        Duplicates.conflictOn(ApiKey.IDENTIFIER_UNIQUE,
                "an API key '" + key.identifier + "' already exists in this scope", key::persistAndFlush);
        LOG.infof("api key created: account=%s org=%s project=%s key=%s type=%s parent=%s", key.accountId,
                key.orgId, key.projectId, key.identifier, key.keyType, key.parentId);
        return ApiKeyView.of(key);
    }

    /** A page of the scope's keys that {@code covered} names (every one when it covers all). */
    @Transactional
    public Page<ApiKeyView> list(Scope scope, Coverage covered, int page, int limit) {
        if (!covered.all() && covered.identifiers().isEmpty()) {
            return new Page<>(List.of(), page, limit, 0);
        }
        String where = "accountId = ?1 and orgId = ?2 and projectId = ?3" + (covered.all() ? "" : " and identifier in ?4");
        Object[] parameters = covered.all()
                ? new Object[] {scope.accountId(), scope.orgId(), scope.projectId()}
                : new Object[] {scope.accountId(), scope.orgId(), scope.projectId(), covered.identifiers()};
        var query = ApiKey.<ApiKey>find(where, Sort.by("identifier"), parameters);
        long total = query.count();
        return new Page<>(query.page(page, limit).list().stream().map(ApiKeyView::of).toList(), page, limit, total);
    }

    @Transactional
    public ApiKeyView get(Scope scope, String identifier) {
        return ApiKeyView.of(require(scope, identifier));
    }

    @Transactional
    public ApiKeyView update(Scope scope, String identifier, ApiKeyUpdate update) {
        Fields.required("body", update);
        String name = Fields.name("name", update.name());
        String description = Fields.description("description", update.description());
        var tags = Fields.tags("tags", update.tags());
        Long lifetime = update.defaultTimeToExpireToken() == null ? null : lifetime(update.defaultTimeToExpireToken());
        ApiKey key = require(scope, identifier);
        key.name = name;
        key.description = description;
        key.tags = tags;
        if (lifetime != null) {
            key.defaultTokenLifetimeMs = lifetime;
        }
        key.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return ApiKeyView.of(key);
    }

    @Transactional
    public void delete(Scope scope, String identifier) {
        revocationLog.lockForWrite();
        ApiKey key = require(scope, identifier);
        revocationLog.keyDeleted(key.accountId, key.identifier, key.id);
        key.delete();
        LOG.infof("api key deleted: account=%s org=%s project=%s key=%s", key.accountId, key.orgId,
                key.projectId, key.identifier);
    }

    /**
     * The key, or 404 (which says nothing about other accounts: those never reach this far); 400 naming
     * keyIdentifier for one no key can have, which is never looked up.
     */
    public static ApiKey require(Scope scope, String identifier) {
        Identifiers.requirePath("keyIdentifier", identifier);
        return ApiKey.findInScope(scope, identifier).orElseThrow(() ->
                ProblemException.notFound("no API key '" + identifier + "' in this scope"));
    }

    private static long lifetime(long millis) {
        if (millis <= 0 || millis > MAX_LIFETIME_MS) {
            throw ProblemException.invalidField("defaultTimeToExpireToken",
                    "must be a number of milliseconds from 1 to " + MAX_LIFETIME_MS + " (10 years)");
        }
        return millis;
    }
}
