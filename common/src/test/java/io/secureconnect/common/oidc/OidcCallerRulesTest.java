package io.secureconnect.common.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.problem.ProblemException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OidcCallerRulesTest {

    private static OidcIdentity token(String account, String... roles) {
        return new OidcIdentity("sub-1", "automation", account, null, null, Set.of(roles), false, null);
    }

    @Test
    void mapsTheAccountClaimAndRolesToACaller() {
        Caller caller = OidcCallerRules.caller(token("default", "core_connector_edit", "sc_abac_all"), "default",
                Set.of("core_connector_edit"), "account_id");
        assertEquals("default", caller.accountId());
        assertEquals("oidc:automation", caller.subject());
        assertTrue(caller.permissions().contains("core_connector_edit"));
    }

    @Test
    void refusesAnotherAccountWith403() {
        ProblemException e = assertThrows(ProblemException.class, () -> OidcCallerRules.caller(
                token("other_account", "core_connector_edit"), "default", Set.of("core_connector_edit"), "account_id"));
        assertEquals(403, e.status());
        assertEquals("WRONG_ACCOUNT", e.code());
    }

    @Test
    void refusesATokenWithoutAnAccountWhenAnAccountIsAskedFor() {
        ProblemException e = assertThrows(ProblemException.class, () -> OidcCallerRules.caller(
                token(null, "core_connector_edit"), "default", Set.of(), "account_id"));
        assertEquals("NO_ACCOUNT_CLAIM", e.code());
    }

    @Test
    void namesEveryMissingPermission() {
        ProblemException e = assertThrows(ProblemException.class, () -> OidcCallerRules.caller(
                token("default", "core_connector_view"), "default",
                Set.of("core_connector_view", "core_connector_edit", "core_connector_delete"), "account_id"));
        assertEquals("MISSING_PERMISSION", e.code());
        assertTrue(e.getMessage().contains("core_connector_delete, core_connector_edit"), e.getMessage());
    }

    @Test
    void needsNoAccountWhenTheCallIsNotAboutOne() {
        Caller caller = OidcCallerRules.caller(token(null, "core_secureconnect_manage"), null,
                Set.of("core_secureconnect_manage"), "account_id");
        assertEquals(null, caller.accountId());
    }
}
