package io.secureconnect.keyvalidator.acl;

/** Harness's resourceScope: account, and optionally org and project ("" or null when absent). */
public record ResourceScopeRef(String accountIdentifier, String orgIdentifier, String projectIdentifier) {
}
