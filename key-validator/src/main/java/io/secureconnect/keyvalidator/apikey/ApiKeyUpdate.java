package io.secureconnect.keyvalidator.apikey;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of "update an API key": identifier, scope, type and parent never change. */
@Schema(description = "The changeable fields of an API key")
public record ApiKeyUpdate(
        @Schema(required = true) String name,
        String description,
        Map<String, String> tags,
        @Schema(description = "Lifetime of new tokens in milliseconds; unchanged when absent") Long defaultTimeToExpireToken) {
}
