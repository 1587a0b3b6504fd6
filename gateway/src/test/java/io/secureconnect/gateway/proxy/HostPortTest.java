package io.secureconnect.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void parsesHostAndPortInEachForm() {
        assertEquals(new HostPort("git.myorg.com", 443), HostPort.parse("Git.MyOrg.com:443", -1));
        assertEquals(new HostPort("fd00::1", 8443), HostPort.parse("[fd00::1]:8443", -1));
        assertEquals(new HostPort("git.myorg.com", 80), HostPort.parse("git.myorg.com", 80));
        assertEquals(new HostPort("git.myorg.com", 443), HostPort.parse("git.myorg.com:0443", -1));
    }

    @Test
    void refusesAPortThatIsNotOneToFiveAsciiDigitsInRange() {
        for (String port : new String[] {"+443", "-1", "0", "65536", "99999999999", "", " 443", "4 43", "0x1bb",
            "\u0664\u0664\u0663", "1e3"}) {
            assertNull(HostPort.parse("git.myorg.com:" + port, -1), port);
        }
    }
}
