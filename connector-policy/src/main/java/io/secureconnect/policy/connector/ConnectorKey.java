package io.secureconnect.policy.connector;

/** A connector named within its account: org and project ('' when absent) and identifier. */
public record ConnectorKey(String orgId, String projectId, String identifier) {

    public static ConnectorKey of(Connector connector) {
        return new ConnectorKey(connector.orgId, connector.projectId, connector.identifier);
    }

    /** "org/project/identifier", leaving out what is absent. */
    public String describe() {
        return new Scope("", orgId, projectId).describe(identifier);
    }
}
