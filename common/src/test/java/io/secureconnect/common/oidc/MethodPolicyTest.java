package io.secureconnect.common.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.common.oidc.grpc.MethodPolicy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MethodPolicyTest {

    private static final String VALIDATE = "secureconnect.keyvalidator.v1.KeyValidator/ValidateToken";
    private static final String WATCH = "secureconnect.keyvalidator.v1.KeyValidator/WatchRevocations";

    private final MethodPolicy policy = new MethodPolicy(
            Map.of("sc_gateway", List.of(VALIDATE, WATCH), "sc_registry", List.of(VALIDATE),
                    "sc_admin", List.of("secureconnect.keyvalidator.v1.KeyValidator/*")),
            List.of("grpc.health.v1.Health/*"));

    @Test
    void allowsARoleOnlyTheMethodsItNames() {
        assertTrue(policy.allows(Set.of("sc_registry"), VALIDATE));
        assertFalse(policy.allows(Set.of("sc_registry"), WATCH));
    }

    @Test
    void deniesEveryMethodToRolesItDoesNotKnow() {
        assertFalse(policy.allows(Set.of("core_apikey_manage", "offline_access"), VALIDATE));
        assertFalse(policy.allows(Set.of(), VALIDATE));
    }

    @Test
    void letsAServiceWildcardCoverEveryMethodOfThatServiceOnly() {
        assertTrue(policy.allows(Set.of("sc_admin"), WATCH));
        assertFalse(policy.allows(Set.of("sc_admin"), "secureconnect.keyvalidator.v1.KeyValidatorX/ValidateToken"));
    }

    @Test
    void namesTheRolesAllowedForTheRefusalMessage() {
        assertEquals(Set.of("sc_admin", "sc_gateway", "sc_registry"), policy.rolesFor(VALIDATE));
    }

    @Test
    void keepsOpenMethodsOpen() {
        assertTrue(policy.open("grpc.health.v1.Health/Check"));
        assertFalse(policy.open(VALIDATE));
    }
}
