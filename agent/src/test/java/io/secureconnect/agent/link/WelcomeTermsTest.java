package io.secureconnect.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.secureconnect.agent.net.HostPort;
import io.secureconnect.proto.tunnel.v1.Welcome;
import org.junit.jupiter.api.Test;

/** The data endpoint and heartbeat interval the agent takes from Welcome, and the protocol's defaults. */
class WelcomeTermsTest {

    private static final HostPort GATEWAY = new HostPort("sc.example.com", 8443);

    @Test
    void takesTheDataEndpointAsGiven() {
        assertEquals(new HostPort("data.example.com", 9444), WelcomeTerms.dataEndpoint("data.example.com:9444",
                GATEWAY));
        assertEquals(new HostPort("fd00::5", 8444), WelcomeTerms.dataEndpoint("[fd00::5]:8444", GATEWAY));
    }

    @Test
    void fallsBackToTheGatewayHostAndPort8444() {
        assertEquals(new HostPort("sc.example.com", 8444), WelcomeTerms.dataEndpoint("", GATEWAY));
        assertEquals(new HostPort("sc.example.com", 9444), WelcomeTerms.dataEndpoint(":9444", GATEWAY));
        assertEquals(new HostPort("sc.example.com", 9444), WelcomeTerms.dataEndpoint("0.0.0.0:9444", GATEWAY));
        assertEquals(new HostPort("data.example.com", 8444), WelcomeTerms.dataEndpoint("data.example.com",
                GATEWAY));
    }

    @Test
    void heartbeatsEveryFiveSecondsUnlessTheGatewaySaysOtherwise() {
        assertEquals(5000, WelcomeTerms.heartbeatMillis(Welcome.getDefaultInstance()));
        assertEquals(2500, WelcomeTerms.heartbeatMillis(Welcome.newBuilder().setHeartbeatInterval(
                com.google.protobuf.Duration.newBuilder().setSeconds(2).setNanos(500_000_000)).build()));
        assertEquals(5000, WelcomeTerms.heartbeatMillis(Welcome.newBuilder().setHeartbeatInterval(
                com.google.protobuf.Duration.newBuilder().setSeconds(-1)).build()));
        assertEquals(50, WelcomeTerms.heartbeatMillis(Welcome.newBuilder().setHeartbeatInterval(
                com.google.protobuf.Duration.newBuilder().setNanos(1_000_000)).build()));
    }
}
