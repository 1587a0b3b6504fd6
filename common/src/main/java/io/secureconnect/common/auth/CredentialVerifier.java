package io.secureconnect.common.auth;

import java.util.Set;

/**
 * Checks an API key for the permissions a call needs, in an account and for a {@link Target}. Each service provides
 * one: key-validator checks locally, the others ask key-validator over gRPC (ValidateToken with the target as its
 * resource or coverage scope), so resource groups are evaluated in one place. Answers 401 (unknown, malformed,
 * expired, revoked), 403 (another account, missing permission, a resource group that does not cover the target) or
 * 503 (key-validator unreachable: fail closed) as a {@link io.secureconnect.common.problem.ProblemException}.
 */
public interface CredentialVerifier {

    /** {@code accountId} may be null for calls about no account; a key of another account is 403 WRONG_ACCOUNT. */
    Caller verifyApiKey(String token, String accountId, Set<String> requiredPermissions, Target target);
}
