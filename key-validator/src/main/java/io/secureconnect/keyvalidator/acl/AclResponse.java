package io.secureconnect.keyvalidator.acl;

/** Harness's envelope: {"status":"SUCCESS","data":{"accessControlList":[...]}}. */
public record AclResponse(String status, AclData data) {
}
