package io.secureconnect.common.auth;

import io.secureconnect.common.problem.ProblemException;
import java.util.List;

/**
 * What a call's permissions are wanted for, so that the caller's resource groups (ABAC) are checked by
 * key-validator, once, for every service: nothing in particular ({@link #ownScope()}: the caller's coverage at its
 * own scope is answered), one resource the groups must cover ({@link #resource}, else 403 ABAC_SCOPE_TOO_NARROW),
 * several that must all be covered at once ({@link #resources}, e.g. the connectors of a build), or the resources of
 * a scope about to be listed ({@link #listing}: the caller's coverage there is answered).
 */
public sealed interface Target {

    record OwnScope() implements Target {
    }

    record One(ResourceRef resource) implements Target {
    }

    /** Resources every one of which the groups must cover; none covers trivially. */
    record Several(List<ResourceRef> resources) implements Target {

        public Several {
            resources = List.copyOf(resources);
        }
    }

    /** The org and project ('' when none) of the call's account whose resources are listed. */
    record Listing(String orgId, String projectId) implements Target {

        public Listing {
            orgId = orgId == null ? "" : orgId;
            projectId = projectId == null ? "" : projectId;
        }
    }

    static Target ownScope() {
        return new OwnScope();
    }

    static Target resource(ResourceRef resource) {
        return new One(resource);
    }

    static Target resources(List<ResourceRef> resources) {
        return new Several(resources);
    }

    static Target listing(String orgId, String projectId) {
        return new Listing(orgId, projectId);
    }

    /**
     * The 403 ABAC_SCOPE_TOO_NARROW of a {@code credential} ("this API key", "this token") whose resource groups do
     * not cover this target: the same answer whether the resource exists or not.
     */
    default ProblemException tooNarrow(String credential) {
        String detail = this instanceof One one
                ? credential + " may not act on " + one.resource().describe() + ": its resource groups do not cover it"
                : credential + "'s resource groups do not cover what this call needs";
        return ProblemException.forbidden("ABAC_SCOPE_TOO_NARROW", detail);
    }
}
