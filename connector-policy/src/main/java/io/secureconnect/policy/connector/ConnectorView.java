package io.secureconnect.policy.connector;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A connector as the API shows it: what was written, plus server-computed fields. */
@Schema(name = "Connector")
public record ConnectorView(
        String identifier,
        String name,
        String description,
        String accountIdentifier,
        String orgIdentifier,
        String projectIdentifier,
        Map<String, String> tags,
        String type,
        ConnectorSpec spec,
        String connectionMode,
        SecureConnectSetting secureConnect,
        @Schema(description = "Computed: http://<gateway proxy host>:<tunnel port> while Secure Connect is on and the "
                + "tunnel is connected; never holds a credential", readOnly = true) String proxyUrl,
        @Schema(description = "Computed: the host:port entries the connector implies", readOnly = true) List<String> hosts,
        @Schema(description = "Computed: the version, also sent as the ETag", readOnly = true) long version,
        @Schema(readOnly = true) Instant createdAt,
        @Schema(readOnly = true) Instant updatedAt) {

    static ConnectorView of(Connector connector, String proxyUrl) {
        return new ConnectorView(connector.identifier, connector.name, connector.description, connector.accountId,
                emptyToNull(connector.orgId), emptyToNull(connector.projectId), new TreeMap<>(connector.tags),
                connector.type, new ConnectorSpec(connector.url, connector.region, connector.gcpProject,
                        ConnectorOidc.of(connector)),
                connector.connectionMode, new SecureConnectSetting(connector.secureConnectEnabled, connector.tunnelPort),
                proxyUrl, ImpliedHosts.of(connector), connector.version, connector.createdAt, connector.updatedAt);
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
