package io.secureconnect.common.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OidcStartupCheckTest {

    @Test
    void startsWithOidcOffAndGrpcAuthOff() {
        assertTrue(OidcStartupCheck.problem(false, false, false).isEmpty());
    }

    @Test
    void refusesGrpcAuthWithoutAProvider() {
        assertEquals("secureconnect.grpc.auth.required",
                OidcStartupCheck.problem(false, true, true).orElseThrow().setting());
    }

    @Test
    void refusesAProviderWithoutAnAudience() {
        assertEquals("quarkus.oidc.token.audience", OidcStartupCheck.problem(true, false, false).orElseThrow().setting());
    }

    @Test
    void startsWithAProviderAndAnAudience() {
        assertTrue(OidcStartupCheck.problem(true, true, true).isEmpty());
    }
}
