package io.secureconnect.policy.connector;

import java.util.SortedMap;

/** A checked connector body, ready to be stored. */
public record ConnectorDraft(String identifier, String name, String description, SortedMap<String, String> tags,
        ConnectorType type, String url, String region, String gcpProject, ConnectionMode mode,
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
        connector.connectionMode = mode.name();
        connector.secureConnectEnabled = secureConnectEnabled;
        connector.tunnelPort = tunnelPort;
    }
}
