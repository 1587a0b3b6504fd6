package io.secureconnect.gateway.tunnel;

import com.google.protobuf.Duration;
import com.google.protobuf.ByteString;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.metrics.GatewayMetrics;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.DialResult;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Asks an agent of a tunnel to reach a destination, and ends the pending dial on whichever comes first: the data
 * connection, a DialResult, the deadline, the client hanging up or the agent going away. The DialRequest goes on one
 * of the agent's parked data connections when there is one (no handshake, no control-stream hop; preferably one on
 * the client's loop), on its control stream otherwise.
 */
@Singleton
public class Dialer {

    private static final Logger LOG = Logger.getLogger(Dialer.class);
    /** The reason of a 502 when the agent could not open its data connection (DIAL_STATUS_DATA_CONNECTION_FAILED). */
    public static final String DATA_CONNECTION_FAILED = "DATA_CONNECTION_FAILED";
    private static final Base64.Encoder ID_ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final PendingDials pending;
    private final GatewayMetrics metrics;
    private final long timeoutNanos;
    private final SecureRandom random = new SecureRandom();

    public Dialer(PendingDials pending, GatewayMetrics metrics, GatewaySettings settings) {
        this.pending = pending;
        this.metrics = metrics;
        this.timeoutNanos = settings.dialTimeout().toNanos();
    }

    /** Starts a dial; the listener hears the outcome. Returns null when it failed at once (no agent). */
    public PendingDial dial(Tunnel tunnel, String host, int port, EventLoop loop, DialListener listener) {
        AgentLink agent = tunnel.pick();
        if (agent == null) {
            metrics.error("TUNNEL_NOT_CONNECTED");
            listener.failed(503, "TUNNEL_NOT_CONNECTED", "the tunnel for port " + tunnel.key().port()
                    + " has no connected agent");
            return null;
        }
        byte[] idBytes = new byte[16];
        byte[] ticket = new byte[16];
        random.nextBytes(idBytes);
        random.nextBytes(ticket);
        PendingDial dial = new PendingDial(ID_ENCODER.encodeToString(idBytes), ticket, tunnel, agent, listener);
        pending.add(dial);
        dial.deadline(loop.schedule(() -> timedOut(dial, host, port), timeoutNanos, TimeUnit.NANOSECONDS));
        DialRequest request = DialRequest.newBuilder().setConnectionId(dial.connectionId()).setHost(host)
                .setPort(port).setTicket(ByteString.copyFrom(ticket))
                .setTimeout(Duration.newBuilder().setSeconds(timeoutNanos / 1_000_000_000L)
                        .setNanos((int) (timeoutNanos % 1_000_000_000L)))
                .build();
        Channel parked = agent.takeParked(loop);
        if (parked != null) {
            dial.carrier(parked);
            byte[] body = request.toByteArray();
            // Closed before the agent answered on it (a failed write, or the agent retiring it at that moment): the
            // dial goes on the control stream instead. Once the dial has ended, closing it changes nothing.
            dial.watchCarrier(closed -> {
                if (pending.get(dial.connectionId()) == dial) {
                    dial.carrier(null);
                    sendOnStream(dial, agent, request, listener);
                }
            });
            parked.writeAndFlush(parked.alloc().buffer(4 + body.length).writeInt(body.length).writeBytes(body))
                    .addListener(written -> {
                        if (!written.isSuccess()) {
                            parked.close();
                        }
                    });
            LOG.debugf("dial written on a parked connection %s connection=%s agent=%s", tunnel, dial.connectionId(),
                    agent.agentId());
            return dial;
        }
        return sendOnStream(dial, agent, request, listener) ? dial : null;
    }

    /** The DialRequest on the agent's control stream (the agent then opens a new data connection). */
    private boolean sendOnStream(PendingDial dial, AgentLink agent, DialRequest request, DialListener listener) {
        if (!agent.sendDial(request) && end(dial)) {
            metrics.error("AGENT_GONE");
            listener.failed(502, "AGENT_GONE", "the agent went away before the dial was sent");
            return false;
        }
        LOG.debugf("dial sent %s connection=%s agent=%s", dial.tunnel(), dial.connectionId(), agent.agentId());
        return true;
    }

    /** The client hung up before the dial ended. */
    public void cancel(PendingDial dial) {
        if (dial != null && end(dial)) {
            metrics.error("CLIENT_GONE_DURING_DIAL");
            LOG.debugf("dial cancelled by the client %s connection=%s", dial.tunnel(), dial.connectionId());
        }
    }

    /** The data connection arrived for a claimed dial (see {@link PendingDials#claim}). */
    public void arrived(PendingDial dial, Channel data) {
        dial.stopWatchingCarrier();
        metrics.dialed(System.nanoTime() - dial.startedNanos());
        dial.listener().connected(data);
    }

    /** The agent answered a dial with a failure. */
    public void failed(AgentLink agent, DialResult result) {
        if (result.getStatus() == io.secureconnect.proto.tunnel.v1.DialStatus.DIAL_STATUS_CONNECTED) {
            return;
        }
        PendingDial dial = pending.get(result.getConnectionId());
        if (dial == null || dial.agent() != agent || !pending.remove(dial)) {
            return;
        }
        dial.cancelDeadline();
        dial.releaseCarrier();
        String detail = result.getMessage().isEmpty() ? "" : ": " + result.getMessage();
        if (result.getStatus() == io.secureconnect.proto.tunnel.v1.DialStatus.DIAL_STATUS_DATA_CONNECTION_FAILED) {
            // Not the destination's fault: the agent cannot reach this gateway's data endpoint.
            metrics.error(DATA_CONNECTION_FAILED);
            LOG.warnf("dial failed: the agent cannot open data connections %s connection=%s agent=%s%s",
                    dial.tunnel(), dial.connectionId(), agent.agentId(), detail);
            dial.listener().failed(502, DATA_CONNECTION_FAILED,
                    "the agent could not open a data connection to the gateway" + detail);
            return;
        }
        String status = result.getStatus().name().replace("DIAL_STATUS_", "");
        metrics.error("DIAL_" + status);
        LOG.infof("dial refused by the agent %s connection=%s status=%s", dial.tunnel(), dial.connectionId(), status);
        dial.listener().failed(502, "DIAL_" + status, "the agent could not reach the destination: " + status
                + detail);
    }

    /** The agent's control stream ended: its dials fail now instead of waiting for their deadline. */
    public void agentGone(AgentLink agent) {
        for (PendingDial dial : pending.all()) {
            if (dial.agent() == agent && end(dial)) {
                metrics.error("AGENT_GONE");
                dial.listener().failed(502, "AGENT_GONE", "the agent serving this connection disconnected");
            }
        }
    }

    private void timedOut(PendingDial dial, String host, int port) {
        if (pending.remove(dial)) {
            dial.closeCarrier();
            metrics.error("DIAL_TIMEOUT");
            LOG.infof("dial timed out %s connection=%s", dial.tunnel(), dial.connectionId());
            dial.listener().failed(504, "DIAL_TIMEOUT", "the agent did not reach " + host + ":" + port + " within "
                    + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
        }
    }

    private boolean end(PendingDial dial) {
        if (pending.remove(dial)) {
            dial.cancelDeadline();
            dial.closeCarrier();
            return true;
        }
        return false;
    }
}
