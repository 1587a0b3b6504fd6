package io.secureconnect.keyvalidator.scope;

/**
 * Where a key, binding or resource lives: an account, optionally an org in it, optionally a project in that
 * org. Absent levels are empty strings, never null.
 */
public record Scope(String accountId, String orgId, String projectId) {

    public Scope {
        orgId = orgId == null ? "" : orgId;
        projectId = projectId == null ? "" : projectId;
    }

    public static Scope account(String accountId) {
        return new Scope(accountId, "", "");
    }

    /** True when {@code other} is this scope or lies inside it (an account holds its orgs, an org its projects). */
    public boolean contains(Scope other) {
        if (!accountId.equals(other.accountId)) {
            return false;
        }
        if (orgId.isEmpty()) {
            return true;
        }
        if (!orgId.equals(other.orgId)) {
            return false;
        }
        return projectId.isEmpty() || projectId.equals(other.projectId);
    }
}
