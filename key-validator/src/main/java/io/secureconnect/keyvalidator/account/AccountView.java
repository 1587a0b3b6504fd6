package io.secureconnect.keyvalidator.account;

import java.time.Instant;

/** An account as the REST API shows it. */
public record AccountView(String identifier, String name, Instant createdAt) {

    static AccountView of(Account account) {
        return new AccountView(account.identifier, account.name, account.createdAt);
    }
}
