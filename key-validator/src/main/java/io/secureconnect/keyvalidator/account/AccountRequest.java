package io.secureconnect.keyvalidator.account;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of "create an account". */
@Schema(description = "A new account")
public record AccountRequest(
        @Schema(required = true, description = "Unique; ^[a-zA-Z_][0-9a-zA-Z_]{0,127}$") String identifier,
        @Schema(required = true) String name) {
}
