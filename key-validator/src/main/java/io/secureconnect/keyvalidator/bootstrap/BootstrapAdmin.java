package io.secureconnect.keyvalidator.bootstrap;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.secureconnect.keyvalidator.apikey.ApiKey;
import io.secureconnect.keyvalidator.apikey.ApiKeyType;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.role.PrincipalType;
import io.secureconnect.keyvalidator.role.RoleBinding;
import io.secureconnect.keyvalidator.scope.Identifiers;
import io.secureconnect.keyvalidator.token.TokenService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * On the first start against an empty database (no API key at all), creates a SERVICE_ACCOUNT key
 * {@code bootstrap_admin} in the bootstrap account, bound to {@code _account_admin} over every resource, and
 * prints its token once: the only place a secret is ever written to a log. Replicas starting together create
 * exactly one: the check and the insert run under a transaction-level advisory lock.
 */
@ApplicationScoped
public class BootstrapAdmin {

    public static final String KEY_IDENTIFIER = "bootstrap_admin";
    public static final String LOG_PREFIX = "Bootstrap admin API key (shown once): ";
    static final long LOCK_KEY = 0x4B56_424F_4F54L;
    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);

    @Inject
    KeysConfig config;

    @Inject
    EntityManager entityManager;

    @Inject
    TokenService tokens;

    void onStart(@Observes StartupEvent event) {
        if (!config.bootstrap().enabled()) {
            return;
        }
        String account = config.bootstrap().account();
        if (!Identifiers.isValid(account)) {
            throw new IllegalStateException("startup refused: secureconnect.keys.bootstrap.account=" + account + ": "
                    + Identifiers.RULE);
        }
        Optional<String> token = QuarkusTransaction.requiringNew().call(() -> createIfEmpty(account));
        token.ifPresent(value -> {
            LOG.infof("bootstrap: created API key '%s' (SERVICE_ACCOUNT, role _account_admin over all resources) in"
                    + " account '%s'; its token follows once; store it and rotate it", KEY_IDENTIFIER, account);
            LOG.info(LOG_PREFIX + value);
        });
    }

    Optional<String> createIfEmpty(String account) {
        entityManager.createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?1)) AS l")
                .setParameter(1, LOCK_KEY).getSingleResult();
        if (ApiKey.count() > 0) {
            return Optional.empty();
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        ApiKey key = new ApiKey();
        key.accountId = account;
        key.orgId = "";
        key.projectId = "";
        key.identifier = KEY_IDENTIFIER;
        key.name = "Bootstrap admin";
        key.description = "Created on first start; rotate or delete it once real admins exist";
        key.tags = Map.of();
        key.keyType = ApiKeyType.SERVICE_ACCOUNT;
        key.parentId = KEY_IDENTIFIER;
        key.defaultTokenLifetimeMs = config.bootstrap().tokenLifetime().toMillis();
        key.createdAt = now;
        key.updatedAt = now;
        key.persistAndFlush();
        RoleBinding binding = new RoleBinding();
        binding.accountId = account;
        binding.orgId = "";
        binding.projectId = "";
        binding.identifier = KEY_IDENTIFIER;
        binding.roleIdentifier = "_account_admin";
        binding.principalType = PrincipalType.SERVICE_ACCOUNT;
        binding.principalId = KEY_IDENTIFIER;
        binding.includeAllResources = true;
        binding.conditions = List.of();
        binding.createdAt = now;
        binding.persistAndFlush();
        return Optional.of(tokens.issueInCurrentTransaction(key, "bootstrap", "Bootstrap admin token",
                config.bootstrap().tokenLifetime()).token());
    }
}
