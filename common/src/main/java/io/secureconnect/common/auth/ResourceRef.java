package io.secureconnect.common.auth;

/**
 * One resource a REST call acts on, as key-validator's resource groups name it: its type in the permission
 * catalogue, its identifier, and the org and project of the call's account it lives in ('' when none).
 */
public record ResourceRef(String type, String identifier, String orgId, String projectId) {

    /** Connectors (core_connector_*): the identifier is the connector's. */
    public static final String CONNECTOR = "CONNECTOR";
    /** Tunnels and their ports (core_secureconnect_manage): the identifier is the port, e.g. "30001". */
    public static final String SECURE_CONNECT = "SECURE_CONNECT";
    /** API keys and their tokens (core_apikey_manage): the identifier is the key's. */
    public static final String API_KEY = "API_KEY";

    public ResourceRef {
        orgId = orgId == null ? "" : orgId;
        projectId = projectId == null ? "" : projectId;
    }

    /** "CONNECTOR 'org/project/identifier'", for messages. */
    public String describe() {
        StringBuilder text = new StringBuilder(type).append(" '");
        if (!orgId.isEmpty()) {
            text.append(orgId).append('/');
        }
        if (!projectId.isEmpty()) {
            text.append(projectId).append('/');
        }
        return text.append(identifier).append('\'').toString();
    }
}
