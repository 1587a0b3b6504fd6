package io.secureconnect.keyvalidator.token;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer to create and rotate: the only time the token string is ever shown. */
public record IssuedToken(
        @Schema(description = "pat.<accountId>.<tokenId>.<secret> or sat.<...>; shown once, store it now") String token,
        TokenView tokenInfo) {
}
