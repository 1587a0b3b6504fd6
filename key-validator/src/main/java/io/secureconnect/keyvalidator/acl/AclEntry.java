package io.secureconnect.keyvalidator.acl;

/** One answer, echoing the question. */
public record AclEntry(String permission, String resourceType, String resourceIdentifier,
        ResourceScopeRef resourceScope, boolean permitted) {
}
