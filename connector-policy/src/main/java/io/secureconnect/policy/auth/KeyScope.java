package io.secureconnect.policy.auth;

import io.secureconnect.common.problem.ProblemException;

/**
 * The scope (org, project) an API key or token is limited to, against the scope a call asks for: the one rule and
 * the one 403 SCOPE_TOO_NARROW of this service, whether the REST resource finds it or key-validator did.
 */
public final class KeyScope {

    private KeyScope() {
    }

    /** True when a key limited to {@code keyOrg}/{@code keyProject} ('' or null: not limited) may not reach it. */
    public static boolean excludes(String keyOrg, String keyProject, String org, String project) {
        return narrower(keyOrg, org) || narrower(keyProject, project);
    }

    public static ProblemException tooNarrow(String keyOrg, String keyProject) {
        StringBuilder scope = new StringBuilder();
        if (keyOrg != null && !keyOrg.isEmpty()) {
            scope.append(keyOrg).append('/');
        }
        if (keyProject != null && !keyProject.isEmpty()) {
            scope.append(keyProject).append('/');
        }
        return ProblemException.forbidden("SCOPE_TOO_NARROW", "this API key is limited to " + scope.append('*'));
    }

    private static boolean narrower(String keyScope, String requested) {
        return keyScope != null && !keyScope.isEmpty() && !keyScope.equals(requested);
    }
}
