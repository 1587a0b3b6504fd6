package io.secureconnect.common.keys;

import io.secureconnect.common.auth.Target;
import java.util.Set;

/**
 * What a caller asks key-validator about a token (ValidateTokenRequest, key_validator.proto): the permissions it
 * needs, whether ABAC "All" is required, the account it expects, the resources it is about to act on, whether it
 * wants a lease receipt (gateways only), and the end client the token came from (counted by key-validator per
 * client). Never printed: {@link #toString()} leaves the token out.
 */
public record KeyQuestion(String token, Set<String> permissions, boolean abacAll, String expectedAccountId,
        Target target, boolean leaseReceipt, String clientAddress) {

    public KeyQuestion {
        permissions = Set.copyOf(permissions);
        target = target == null ? Target.ownScope() : target;
    }

    /** {@code permissions} over the token's own scope, any account, no ABAC All, no receipt, no client address. */
    public static KeyQuestion of(String token, Set<String> permissions) {
        return new KeyQuestion(token, permissions, false, null, Target.ownScope(), false, null);
    }

    public KeyQuestion abacAll(boolean required) {
        return new KeyQuestion(token, permissions, required, expectedAccountId, target, leaseReceipt, clientAddress);
    }

    /** Refused as WRONG_ACCOUNT when the token is another account's; null: any. */
    public KeyQuestion account(String accountId) {
        return new KeyQuestion(token, permissions, abacAll, accountId, target, leaseReceipt, clientAddress);
    }

    public KeyQuestion target(Target about) {
        return new KeyQuestion(token, permissions, abacAll, expectedAccountId, about, leaseReceipt, clientAddress);
    }

    public KeyQuestion withLeaseReceipt() {
        return new KeyQuestion(token, permissions, abacAll, expectedAccountId, target, true, clientAddress);
    }

    /** The end client's address as the caller saw it (null or blank: none sent). */
    public KeyQuestion from(String address) {
        return new KeyQuestion(token, permissions, abacAll, expectedAccountId, target, leaseReceipt, address);
    }

    @Override
    public String toString() {
        return "KeyQuestion[permissions=" + permissions + ", abacAll=" + abacAll + ", account=" + expectedAccountId
                + ", target=" + target + ", leaseReceipt=" + leaseReceipt + ", client=" + clientAddress + "]";
    }
}
