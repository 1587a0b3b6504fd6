package io.secureconnect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void portsComeFromBelowTheEphemeralRangeAndAreNeverHandedOutTwice() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.next();
            assertTrue(port >= FreePorts.FIRST && port <= FreePorts.LAST, "port " + port);
            assertTrue(seen.add(port), "port " + port + " handed out twice");
        }
        int port = FreePorts.next();
        try (ServerSocket bound = new ServerSocket(port)) {
            assertEquals(port, bound.getLocalPort(), "the port is free to bind");
        }
    }

    @Test
    void aPortTakenByAServerIsSkipped() throws Exception {
        int port = FreePorts.next();
        try (ServerSocket taken = new ServerSocket(port)) {
            for (int i = 0; i <= FreePorts.LAST - FreePorts.FIRST; i++) {
                assertNotEquals(port, FreePorts.next(), "a port a server holds");
            }
        }
    }
}
