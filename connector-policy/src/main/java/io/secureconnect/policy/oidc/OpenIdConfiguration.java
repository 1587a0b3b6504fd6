package io.secureconnect.policy.oidc;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** OpenID Provider metadata (OpenID Connect Discovery 1.0), the part clouds read. Names are the standard's. */
@Schema(name = "OpenIdConfiguration")
public record OpenIdConfiguration(
        @Schema(required = true) String issuer,
        @Schema(required = true) String jwks_uri,
        @Schema(required = true) List<String> response_types_supported,
        @Schema(required = true) List<String> subject_types_supported,
        @Schema(required = true) List<String> id_token_signing_alg_values_supported,
        @Schema(required = true) List<String> claims_supported) {
}
