package io.secureconnect.policy.tunnel;

import com.google.protobuf.Timestamp;
import io.secureconnect.proto.tunnelregistry.v1.Tunnel;
import io.secureconnect.proto.tunnelregistry.v1.TunnelStatus;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which of an account's tunnels serves a connector: the one on its chosen port, or else the account's
 * connected tunnel with the lowest port. A tunnel serves only while connected through a gateway whose
 * proxy host is known.
 */
public final class TunnelChoice {

    private TunnelChoice() {
    }

    public static Optional<Tunnel> serving(List<Tunnel> tunnels, Optional<Integer> chosenPort) {
        return tunnels.stream()
                .filter(tunnel -> chosenPort.isEmpty() || tunnel.getPort() == chosenPort.get())
                .filter(TunnelChoice::serves)
                .min(Comparator.comparingInt(Tunnel::getPort));
    }

    /** The tunnel the build expected, to say since when it is gone: on the chosen port, or the last one seen. */
    public static Optional<Tunnel> expected(List<Tunnel> tunnels, Optional<Integer> chosenPort) {
        return tunnels.stream()
                .filter(tunnel -> chosenPort.isEmpty() || tunnel.getPort() == chosenPort.get())
                .max(Comparator.comparing(tunnel -> instant(tunnel.getDisconnectedSince())));
    }

    /** http://proxy-host:port, the address builds use; never carries a credential. */
    public static String proxyAddress(Tunnel tunnel) {
        return "http://" + tunnel.getGateway().getProxyHost() + ":" + tunnel.getPort();
    }

    static boolean serves(Tunnel tunnel) {
        return tunnel.getStatus() == TunnelStatus.TUNNEL_STATUS_CONNECTED && tunnel.hasGateway()
                && !tunnel.getGateway().getProxyHost().isBlank();
    }

    public static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
