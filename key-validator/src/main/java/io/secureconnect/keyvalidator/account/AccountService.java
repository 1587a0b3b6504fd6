package io.secureconnect.keyvalidator.account;

import io.quarkus.panache.common.Sort;
import io.secureconnect.common.problem.ProblemException;
import io.secureconnect.keyvalidator.apikey.ApiKey;
import io.secureconnect.keyvalidator.apikey.ApiKeyView;
import io.secureconnect.keyvalidator.config.KeysConfig;
import io.secureconnect.keyvalidator.paging.Page;
import io.secureconnect.keyvalidator.role.RoleBinding;
import io.secureconnect.keyvalidator.scope.Duplicates;
import io.secureconnect.keyvalidator.scope.Fields;
import io.secureconnect.keyvalidator.scope.Identifiers;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jboss.logging.Logger;

/** Creates accounts, each with its first admin key and token, in one transaction; lists them. */
@ApplicationScoped
public class AccountService {

    public static final String ADMIN_KEY = "account_admin";
    private static final Logger LOG = Logger.getLogger(AccountService.class);

    @Inject
    KeysConfig config;

    @Inject
    FirstAdmin firstAdmin;

    @Transactional
    public CreatedAccount create(AccountRequest request) {
        Fields.required("body", request);
        Account account = new Account();
        account.identifier = Fields.identifier("identifier", request.identifier());
        account.name = Fields.name("name", request.name());
        account.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String exists = "an account '" + account.identifier + "' already exists";
        // Keys and bindings made before accounts were rows (or by hand) name their account too.
        if (ApiKey.count("accountId", account.identifier) > 0
                || RoleBinding.count("accountId", account.identifier) > 0) {
            throw ProblemException.conflict("DUPLICATE_IDENTIFIER", exists);
        }
        Duplicates.conflictOn(Account.PRIMARY_KEY, exists, account::persistAndFlush);
        FirstAdmin.Made admin = firstAdmin.create(account.identifier, ADMIN_KEY, "Account admin",
                "Made with the account; create your own admins, then rotate or delete it",
                List.of(FirstAdmin.ACCOUNT_ADMIN), config.bootstrap().tokenLifetime());
        LOG.infof("account created: account=%s admin_key=%s", account.identifier, ADMIN_KEY);
        return new CreatedAccount(AccountView.of(account), ApiKeyView.of(admin.key()), admin.token());
    }

    @Transactional
    public Page<AccountView> list(int page, int limit) {
        var query = Account.<Account>findAll(Sort.by("identifier"));
        long total = query.count();
        return new Page<>(query.page(page, limit).list().stream().map(AccountView::of).toList(), page, limit, total);
    }

    @Transactional
    public AccountView get(String identifier) {
        Identifiers.requirePath("accountIdentifier", identifier);
        Account account = Account.findById(identifier);
        if (account == null) {
            throw ProblemException.notFound("no account '" + identifier + "'");
        }
        return AccountView.of(account);
    }
}
