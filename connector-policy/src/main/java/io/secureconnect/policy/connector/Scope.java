package io.secureconnect.policy.connector;

/** Where a connector lives: an account, and optionally an org and a project in it ('' when absent). */
public record Scope(String accountId, String orgId, String projectId) {

    /** "org/project/identifier" style name for messages, e.g. "default/payments/bitbucket". */
    public String describe(String identifier) {
        StringBuilder text = new StringBuilder();
        if (!orgId.isEmpty()) {
            text.append(orgId).append('/');
        }
        if (!projectId.isEmpty()) {
            text.append(projectId).append('/');
        }
        return text.append(identifier).toString();
    }
}
