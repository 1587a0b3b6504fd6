package io.secureconnect.policy.oidc;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** RFC 7517 key set: public keys only. */
@Schema(name = "JsonWebKeySet")
public record JsonWebKeySet(@Schema(required = true) List<PublicJsonWebKey> keys) {

    /** An RSA public key (RFC 7517 / 7518): modulus n and exponent e, base64url. */
    @Schema(name = "PublicJsonWebKey")
    public record PublicJsonWebKey(
            @Schema(required = true) String kty,
            @Schema(required = true) String kid,
            @Schema(required = true) String use,
            @Schema(required = true) String alg,
            @Schema(required = true) String n,
            @Schema(required = true) String e) {
    }
}
