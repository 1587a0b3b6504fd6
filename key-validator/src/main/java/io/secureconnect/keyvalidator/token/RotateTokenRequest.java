package io.secureconnect.keyvalidator.token;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of "rotate a token". */
@Schema(description = "Rotation: a new token now, the old one working until oldTokenValidUntil")
public record RotateTokenRequest(
        @Schema(required = true, description = "When the old token stops working; not in the past") Instant oldTokenValidUntil,
        @Schema(description = "Valid-to of the new token; defaults to now plus the key's defaultTimeToExpireToken") Instant validTo) {
}
