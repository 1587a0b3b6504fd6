package io.secureconnect.keyvalidator.bootstrap;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.secureconnect.keyvalidator.account.Account;
import io.secureconnect.keyvalidator.account.FirstAdmin;
import io.secureconnect.keyvalidator.apikey.ApiKey;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.scope.Identifiers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * On the first start against an empty database (no API key at all), creates a SERVICE_ACCOUNT key
 * {@code bootstrap_admin} in the bootstrap account (the platform operator's), bound to {@code _account_admin} and
 * {@code _platform_operator} over every resource, and prints its token once: the only place a secret is ever written to a log. Replicas starting together create
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
    FirstAdmin firstAdmin;

    void onStart(@Observes StartupEvent event) {
        if (!config.bootstrap().enabled()) {
            return;
        }
        String account = config.bootstrap().account();
        if (!Identifiers.isValid(account)) {
            throw new IllegalStateException("startup refused: secureconnect.keys.bootstrap.account=" + account + ": "
                    + Identifiers.RULE);
        }
        Optional<String> tokenFile = config.bootstrap().tokenFile().filter(file -> !file.isBlank());
        Optional<String> token = QuarkusTransaction.requiringNew().call(() -> {
            Optional<String> made = createIfEmpty(account);
            // Inside the transaction: a token that cannot be written is never committed (nor lost).
            made.ifPresent(value -> tokenFile.ifPresent(file -> TokenFile.write(Path.of(file), value)));
            return made;
        });
        if (tokenFile.isPresent()) {
            token.ifPresent(value -> LOG.infof("bootstrap: created API key '%s' (SERVICE_ACCOUNT, roles _account_admin"
                    + " and _platform_operator over all resources) in account '%s'; its token is in %s (mode 0600)",
                    KEY_IDENTIFIER, account, tokenFile.get()));
            return;
        }
        token.ifPresent(value -> {
            LOG.infof("bootstrap: created API key '%s' (SERVICE_ACCOUNT, roles _account_admin and _platform_operator"
                    + " over all resources) in account '%s'; its token follows once; store it and rotate it",
                    KEY_IDENTIFIER, account);
            LOG.info(LOG_PREFIX + value);
        });
    }

    Optional<String> createIfEmpty(String account) {
        entityManager.createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(?1)) AS l")
                .setParameter(1, LOCK_KEY).getSingleResult();
        if (ApiKey.count() > 0) {
            return Optional.empty();
        }
        Account row = new Account();
        row.identifier = account;
        row.name = "Platform operator";
        row.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (Account.findById(account) == null) {
            row.persistAndFlush();
        }
        return Optional.of(firstAdmin.create(account, KEY_IDENTIFIER, "Bootstrap admin",
                "Created on first start; rotate or delete it once real admins exist",
                List.of("_account_admin", "_platform_operator"), config.bootstrap().tokenLifetime()).token().token());
    }
}
