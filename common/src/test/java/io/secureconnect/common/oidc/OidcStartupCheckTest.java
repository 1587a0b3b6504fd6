package io.secureconnect.common.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OidcStartupCheckTest {

    @Test
    void startsWithOidcOff() {
        assertTrue(OidcStartupCheck.problem(false, false).isEmpty());
    }

    @Test
    void refusesAProviderWithoutAnAudience() {
        assertEquals("quarkus.oidc.token.audience", OidcStartupCheck.problem(true, false).orElseThrow().setting());
    }

    @Test
    void startsWithAProviderAndAnAudience() {
        assertTrue(OidcStartupCheck.problem(true, true).isEmpty());
    }
}
