package io.secureconnect.common.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.common.auth.Caller;
import io.secureconnect.common.auth.Coverage;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.problem.ProblemException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OidcCallerRulesTest {

    private static OidcIdentity token(String account, String... roles) {
        return new OidcIdentity("sub-1", "automation", account, null, null, Set.of(roles), false, null);
    }

    private static OidcIdentity abacAllToken(String account, String... roles) {
        return new OidcIdentity("sub-1", "automation", account, null, null, Set.of(roles), true, null);
    }

    private static final Target ONE_CONNECTOR =
            Target.resource(new ResourceRef(ResourceRef.CONNECTOR, "repo", "", ""));

    @Test
    void mapsTheAccountClaimAndRolesToACaller() {
        Caller caller = OidcCallerRules.caller(token("default", "core_connector_edit", "sc_abac_all"), "default",
                Set.of("core_connector_edit"), "account_id", Target.ownScope());
        assertEquals("default", caller.accountId());
        assertEquals("oidc:automation", caller.subject());
        assertTrue(caller.permissions().contains("core_connector_edit"));
    }

    @Test
    void refusesAnotherAccountWith403() {
        ProblemException e = assertThrows(ProblemException.class, () -> OidcCallerRules.caller(
                token("other_account", "core_connector_edit"), "default", Set.of("core_connector_edit"), "account_id", Target.ownScope()));
        assertEquals(403, e.status());
        assertEquals("WRONG_ACCOUNT", e.code());
    }

    @Test
    void refusesATokenWithoutAnAccountWhenAnAccountIsAskedFor() {
        ProblemException e = assertThrows(ProblemException.class, () -> OidcCallerRules.caller(
                token(null, "core_connector_edit"), "default", Set.of(), "account_id", Target.ownScope()));
        assertEquals("NO_ACCOUNT_CLAIM", e.code());
    }

    @Test
    void namesEveryMissingPermission() {
        ProblemException e = assertThrows(ProblemException.class, () -> OidcCallerRules.caller(
                token("default", "core_connector_view"), "default",
                Set.of("core_connector_view", "core_connector_edit", "core_connector_delete"), "account_id", Target.ownScope()));
        assertEquals("MISSING_PERMISSION", e.code());
        assertTrue(e.getMessage().contains("core_connector_delete, core_connector_edit"), e.getMessage());
    }

    @Test
    void needsNoAccountWhenTheCallIsNotAboutOne() {
        Caller caller = OidcCallerRules.caller(token(null, "core_secureconnect_manage"), null,
                Set.of("core_secureconnect_manage"), "account_id", Target.ownScope());
        assertEquals(null, caller.accountId());
    }

    @Test
    void letsATokenWithTheAbacAllRoleActOnAnyOneResourceAndListEverything() {
        Caller one = OidcCallerRules.caller(abacAllToken("default", "core_connector_view"), "default",
                Set.of("core_connector_view"), "account_id", ONE_CONNECTOR);
        assertEquals(Coverage.ALL, one.coverage());
        Caller listing = OidcCallerRules.caller(abacAllToken("default", "core_connector_view"), "default",
                Set.of("core_connector_view"), "account_id", Target.listing("", ""));
        assertTrue(listing.coverage().covers("anything"));
    }

    @Test
    void refusesOneResourceToATokenWithoutTheAbacAllRoleAndListsItNothing() {
        ProblemException e = assertThrows(ProblemException.class, () -> OidcCallerRules.caller(
                token("default", "core_connector_view"), "default", Set.of("core_connector_view"), "account_id",
                ONE_CONNECTOR));
        assertEquals(403, e.status());
        assertEquals("ABAC_SCOPE_TOO_NARROW", e.code());
        assertTrue(e.getMessage().contains("CONNECTOR 'repo'"), e.getMessage());
        Caller listing = OidcCallerRules.caller(token("default", "core_connector_view"), "default",
                Set.of("core_connector_view"), "account_id", Target.listing("", ""));
        assertEquals(Coverage.NONE, listing.coverage());
    }
}
