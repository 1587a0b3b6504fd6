package io.secureconnect.common.auth;

import io.secureconnect.common.problem.ProblemException;
import java.util.Set;

/**
 * Checks an API key for the permissions a call needs. Each service provides one: key-validator checks
 * locally, the others ask key-validator over gRPC. Answers 401 (unknown, malformed, expired, revoked),
 * 403 (missing permission, scope too narrow) or 503 (key-validator unreachable: fail closed) as a
 * {@link ProblemException}.
 */
public interface CredentialVerifier {

    Caller verifyApiKey(String token, Set<String> requiredPermissions);
}
