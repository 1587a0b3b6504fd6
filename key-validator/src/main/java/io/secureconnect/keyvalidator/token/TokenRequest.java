package io.secureconnect.keyvalidator.token;

import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of "create a token". */
@Schema(description = "A new token of an API key")
public record TokenRequest(
        @Schema(required = true, description = "Unique among the key's current tokens") String identifier,
        @Schema(required = true) String name,
        String description,
        Map<String, String> tags,
        @Schema(description = "Defaults to now") Instant validFrom,
        @Schema(description = "Must be in the future; defaults to validFrom plus the key's defaultTimeToExpireToken") Instant validTo) {
}
