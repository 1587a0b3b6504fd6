package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.common.credential.BuildCredential;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionCapsTest {

    private static BuildCredential credential(String account, String build, int port) {
        return new BuildCredential(account, build, port, List.of("*"), Instant.now().plusSeconds(600));
    }

    @Test
    void refusesABuildOverItsCapAndNamesThatLimit() {
        ConnectionCaps caps = new ConnectionCaps(2, 10);
        assertInstanceOf(ConnectionCaps.Hold.class, caps.open(credential("acct_a", "b1", 30001)));
        assertInstanceOf(ConnectionCaps.Hold.class, caps.open(credential("acct_a", "b1", 30002)),
                "two credentials (ports) of one build count together");

        ConnectionCaps.OverLimit over = assertInstanceOf(ConnectionCaps.OverLimit.class,
                caps.open(credential("acct_a", "b1", 30001)));

        assertEquals("PROXY_BUILD_CONNECTION_LIMIT", over.reason());
        assertTrue(over.message().contains("this build already has 2 connections open"), over.message());
        assertTrue(over.message().contains("max-connections-per-build"), over.message());
        assertInstanceOf(ConnectionCaps.Hold.class, caps.open(credential("acct_b", "b1", 30001)),
                "a build id of another account is another build");
    }

    @Test
    void refusesAnAccountOverItsCapAcrossBuildsAndGivesTheBuildsPlaceBack() {
        ConnectionCaps caps = new ConnectionCaps(2, 3);
        caps.open(credential("acct_a", "b1", 30001));
        caps.open(credential("acct_a", "b1", 30001));
        ConnectionCaps.Hold third = assertInstanceOf(ConnectionCaps.Hold.class,
                caps.open(credential("acct_a", "b2", 30001)));

        ConnectionCaps.OverLimit over = assertInstanceOf(ConnectionCaps.OverLimit.class,
                caps.open(credential("acct_a", "b2", 30001)));

        assertEquals("PROXY_ACCOUNT_CONNECTION_LIMIT", over.reason());
        assertTrue(over.message().contains("max-connections-per-account"), over.message());
        assertEquals(1, caps.openForBuild("acct_a", "b2"), "the refused connection holds nothing");
        third.release();
        third.release();
        assertEquals(0, caps.openForBuild("acct_a", "b2"), "released once, however often it is called");
        assertEquals(2, caps.openForAccount("acct_a"));
        assertInstanceOf(ConnectionCaps.Hold.class, caps.open(credential("acct_a", "b2", 30001)));
    }

    @Test
    void aHoldCoversLaterRequestsOfTheSameBuildOnly() {
        ConnectionCaps caps = new ConnectionCaps(5, 5);
        ConnectionCaps.Hold hold = (ConnectionCaps.Hold) caps.open(credential("acct_a", "b1", 30001));

        assertTrue(hold.covers(credential("acct_a", "b1", 30002)));
        assertFalse(hold.covers(credential("acct_a", "b2", 30001)));
        assertFalse(hold.covers(credential("acct_b", "b1", 30001)));
    }
}
