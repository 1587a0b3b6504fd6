package io.secureconnect.keyvalidator.secret;

/** Whose key it is: a person's (token prefix {@code pat.}) or a service account's ({@code sat.}). */
public enum ApiKeyType {
    USER,
    SERVICE_ACCOUNT
}
