package io.secureconnect.registry.frp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer frps expects (HTTP 200 either way): {@code {"reject":false,"unchange":true}} to allow,
 * {@code {"reject":true,"reject_reason":"..."}} to refuse, or {@code unchange: false} with replaced content.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "FrpPluginResponse")
public record FrpPluginResponse(
        boolean reject,
        @JsonProperty("reject_reason") String rejectReason,
        Boolean unchange,
        @Schema(implementation = Map.class) ObjectNode content) {

    static FrpPluginResponse allow() {
        return new FrpPluginResponse(false, null, true, null);
    }

    static FrpPluginResponse allowChanged(ObjectNode content) {
        return new FrpPluginResponse(false, null, false, content);
    }

    static FrpPluginResponse reject(String reason) {
        return new FrpPluginResponse(true, reason, null, null);
    }
}
