package io.secureconnect.keyvalidator.acl;

import java.util.List;

/** The answers, one per question, in order. */
public record AclData(List<AclEntry> accessControlList) {
}
