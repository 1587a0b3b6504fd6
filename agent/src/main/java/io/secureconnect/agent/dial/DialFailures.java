package io.secureconnect.agent.dial;

import io.netty.channel.ConnectTimeoutException;
import io.secureconnect.proto.tunnel.v1.DialResult;
import io.secureconnect.proto.tunnel.v1.DialStatus;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.util.Locale;

/** Turns why a connect failed into the DialStatus the gateway maps to an HTTP status, with a message for people. */
final class DialFailures {

    private DialFailures() {
    }

    static DialResult result(String connectionId, DialStatus status, String message) {
        return DialResult.newBuilder().setConnectionId(connectionId).setStatus(status).setMessage(message).build();
    }

    static DialResult connectFailed(String connectionId, InetSocketAddress address, Throwable cause,
                                    long timeoutMillis) {
        String where = address.getAddress().getHostAddress() + ":" + address.getPort();
        String text = cause.getMessage() == null ? "" : cause.getMessage().toLowerCase(Locale.ROOT);
        if (cause instanceof ConnectTimeoutException || text.contains("timed out")) {
            return result(connectionId, DialStatus.DIAL_STATUS_TIMEOUT,
                    "no answer from " + where + " within " + timeoutMillis + " ms");
        }
        if (cause instanceof ConnectException && text.contains("refused")) {
            return result(connectionId, DialStatus.DIAL_STATUS_CONNECTION_REFUSED, "connection refused by " + where);
        }
        if (cause instanceof NoRouteToHostException || text.contains("unreachable") || text.contains("no route")) {
            return result(connectionId, DialStatus.DIAL_STATUS_UNREACHABLE, "no route to " + where);
        }
        return result(connectionId, DialStatus.DIAL_STATUS_UNREACHABLE,
                "cannot connect to " + where + ": " + cause.getClass().getSimpleName()
                        + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
    }
}
