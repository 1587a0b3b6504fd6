package io.secureconnect.agent.link;

import io.secureconnect.agent.net.HostPort;
import io.secureconnect.proto.tunnel.v1.Welcome;
import java.time.Duration;

/** Reads what the gateway's Welcome sets for this stream, with the protocol's defaults. */
final class WelcomeTerms {

    static final int DEFAULT_DATA_PORT = 8444;
    static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);
    static final Duration MIN_HEARTBEAT = Duration.ofMillis(50);

    private WelcomeTerms() {
    }

    /**
     * The data endpoint to dial. A missing or wildcard host ("", ":8444", "0.0.0.0:8444") means the gateway we
     * reached for the control channel (REMOTE_SERVER's host): what gateways send unless agent-data-host names a
     * host, which is then dialled as given (see Welcome.data_endpoint in tunnel.proto).
     */
    static HostPort dataEndpoint(String text, HostPort gateway) {
        HostPort fallback = new HostPort(gateway.host(), DEFAULT_DATA_PORT);
        HostPort endpoint = HostPort.parse(text, DEFAULT_DATA_PORT).orElse(fallback);
        if (text.startsWith(":")) {
            endpoint = HostPort.parsePort(text.substring(1)).map(port -> new HostPort(gateway.host(), port))
                    .orElse(fallback);
        }
        String host = endpoint.host();
        if (host.equals("0.0.0.0") || host.equals("::") || host.isEmpty()) {
            endpoint = new HostPort(gateway.host(), endpoint.port());
        }
        return endpoint;
    }

    static long heartbeatMillis(Welcome welcome) {
        if (!welcome.hasHeartbeatInterval()) {
            return DEFAULT_HEARTBEAT.toMillis();
        }
        com.google.protobuf.Duration interval = welcome.getHeartbeatInterval();
        long millis = interval.getSeconds() * 1000 + interval.getNanos() / 1_000_000;
        return millis <= 0 ? DEFAULT_HEARTBEAT.toMillis() : Math.max(MIN_HEARTBEAT.toMillis(), millis);
    }
}
