package io.secureconnect.policy.connector;

import java.util.SortedMap;

/** A checked connector body, ready to be stored. */
public record ConnectorDraft(String identifier, String name, String description, SortedMap<String, String> tags,
        ConnectorType type, String url, String region, String gcpProject, ConnectorOidc oidc, ConnectionMode mode,
        boolean secureConnectEnabled, Integer tunnelPort) {

    void applyTo(Connector connector) {
        connector.name = name;
        connector.description = description;
        if (!connector.tags.equals(tags)) {
            connector.tags.clear();
            connector.tags.putAll(tags);
        }
        connector.type = type.wireName();
        connector.url = url;
        connector.region = region;
        connector.gcpProject = gcpProject;
        connector.oidcRoleArn = oidc == null ? null : oidc.roleArn();
        connector.oidcRegion = oidc == null ? null : oidc.region();
        connector.oidcWorkloadPoolId = oidc == null ? null : oidc.workloadPoolId();
        connector.oidcProviderId = oidc == null ? null : oidc.providerId();
        connector.oidcServiceAccountEmail = oidc == null ? null : oidc.serviceAccountEmail();
        connector.oidcProjectNumber = oidc == null ? null : oidc.projectNumber();
        connector.connectionMode = mode.name();
        connector.secureConnectEnabled = secureConnectEnabled;
        connector.tunnelPort = tunnelPort;
    }
}
