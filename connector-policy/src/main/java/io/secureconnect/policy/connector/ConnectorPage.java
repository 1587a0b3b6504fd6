package io.secureconnect.policy.connector;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of connectors, sorted by identifier. */
@Schema(name = "ConnectorPage")
public record ConnectorPage(List<ConnectorView> content, int page, int limit, long totalItems, int totalPages) {
}
