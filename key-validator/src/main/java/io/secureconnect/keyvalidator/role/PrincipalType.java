package io.secureconnect.keyvalidator.role;

/** Who a role binding is for: a user or a service account, the parents of API keys of the same type. */
public enum PrincipalType {
    USER,
    SERVICE_ACCOUNT
}
