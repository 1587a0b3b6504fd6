package io.secureconnect.keyvalidator.account;

import io.secureconnect.keyvalidator.apikey.ApiKeyView;
import io.secureconnect.keyvalidator.token.IssuedToken;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to "create an account": the only time its first admin token is ever shown. */
public record CreatedAccount(
        AccountView account,
        @Schema(description = "The account's first admin key (role _account_admin over every resource)")
        ApiKeyView adminKey,
        @Schema(description = "A token of the admin key; shown once, store it now") IssuedToken adminToken) {
}
