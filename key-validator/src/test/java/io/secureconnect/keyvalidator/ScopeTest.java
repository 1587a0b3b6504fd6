package io.secureconnect.keyvalidator;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.keyvalidator.scope.Scope;
import org.junit.jupiter.api.Test;

class ScopeTest {

    @Test
    void anAccountHoldsItsOrgsAndProjectsAndNothingOfOtherAccounts() {
        Scope account = Scope.account("a");
        assertTrue(account.contains(new Scope("a", "o", "p")));
        assertTrue(account.contains(account));
        assertFalse(account.contains(Scope.account("b")));
    }

    @Test
    void anOrgHoldsItsProjectsButNotTheAccountOrOtherOrgs() {
        Scope org = new Scope("a", "o", "");
        assertTrue(org.contains(new Scope("a", "o", "p")));
        assertFalse(org.contains(Scope.account("a")));
        assertFalse(org.contains(new Scope("a", "o2", "p")));
        assertFalse(new Scope("a", "o", "p").contains(org));
    }
}
