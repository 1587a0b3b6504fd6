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
 * connection, a DialResult, the deadline, the client hanging up or the agent going away (then, or when it drains,
 * the dial moves to another agent of the tunnel if there is one: nothing has reached the destination yet). The
 * DialRequest goes on one of the agent's parked data connections when there is one (no handshake, no control-stream
 * hop; preferably one on the client's loop), on its control stream otherwise.
 */
@Singleton
public class Dialer {

    private static final Logger LOG = Logger.getLogger(Dialer.class);
    /** The reason of a 502 when the agent could not open its data connection (DIAL_STATUS_DATA_CONNECTION_FAILED). */
    public static final String DATA_CONNECTION_FAILED = "DATA_CONNECTION_FAILED";
    /** The reason of a 503 when the tunnel has agents but every one of them is draining. */
    public static final String TUNNEL_DRAINING = "TUNNEL_DRAINING";
    /** Agents one proxied connection's dial may be sent to, when those before went away without answering. */
    static final int MAX_ATTEMPTS = 3;
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

    /**
     * Starts a dial; the listener hears the outcome. Returns null when it failed at once (no agent takes dials);
     * else the dial to {@link #cancel} should the client hang up, even once it has moved to another agent.
     */
    public PendingDial dial(Tunnel tunnel, String host, int port, EventLoop loop, DialListener listener) {
        AgentLink agent = tunnel.pick();
        if (agent == null) {
            if (tunnel.draining()) {
                metrics.error(TUNNEL_DRAINING);
                listener.failed(503, TUNNEL_DRAINING, drainingMessage(tunnel));
            } else {
                metrics.error("TUNNEL_NOT_CONNECTED");
                listener.failed(503, "TUNNEL_NOT_CONNECTED", "the tunnel for port " + tunnel.key().port()
                        + " has no connected agent");
            }
            return null;
        }
        return start(tunnel, agent, host, port, loop, listener, null);
    }

    /** Sends the dial to {@code agent}: a first attempt, or the retry of {@code previous} whose agent was lost. */
    private PendingDial start(Tunnel tunnel, AgentLink agent, String host, int port, EventLoop loop,
            DialListener listener, PendingDial previous) {
        byte[] idBytes = new byte[16];
        byte[] ticket = new byte[16];
        random.nextBytes(idBytes);
        random.nextBytes(ticket);
        long startedNanos = previous == null ? System.nanoTime() : previous.startedNanos();
        PendingDial dial = new PendingDial(ID_ENCODER.encodeToString(idBytes), ticket, tunnel, agent, listener, host,
                port, loop, previous == null ? 1 : previous.attempt() + 1, startedNanos);
        if (previous != null) {
            previous.retriedAs(dial); // before it can end: a hang-up from now on reaches it
        }
        pending.add(dial);
        long left = Math.max(0, timeoutNanos - (System.nanoTime() - startedNanos)); // retries share one deadline
        dial.deadline(loop.schedule(() -> timedOut(dial, host, port), left, TimeUnit.NANOSECONDS));
        DialRequest request = DialRequest.newBuilder().setConnectionId(dial.connectionId()).setHost(host)
                .setPort(port).setTicket(ByteString.copyFrom(ticket))
                .setTimeout(Duration.newBuilder().setSeconds(left / 1_000_000_000L)
                        .setNanos((int) (left % 1_000_000_000L)))
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
                    sendOnStream(dial, agent, request);
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
        sendOnStream(dial, agent, request);
        return dial;
    }

    /** The DialRequest on the agent's control stream (the agent then opens a new data connection). */
    private void sendOnStream(PendingDial dial, AgentLink agent, DialRequest request) {
        if (!agent.sendDial(request)) {
            if (end(dial)) {
                elsewhere(dial, 502, "AGENT_GONE", "the agent went away before the dial was sent");
            }
            return;
        }
        LOG.debugf("dial sent %s connection=%s agent=%s", dial.tunnel(), dial.connectionId(), agent.agentId());
    }

    /**
     * The dial's agent will not answer it (gone, or draining): nothing has reached the destination yet, so another
     * agent of the tunnel gets it, up to {@value #MAX_ATTEMPTS} agents in all; else the client hears the failure.
     */
    private void elsewhere(PendingDial dial, int status, String reason, String message) {
        Tunnel tunnel = dial.tunnel();
        AgentLink other = dial.attempt() < MAX_ATTEMPTS && !tunnel.closed() ? tunnel.pick() : null;
        if (other != null && other != dial.agent()) {
            LOG.infof("dial moved to another agent %s connection=%s from=%s to=%s: %s", tunnel, dial.connectionId(),
                    dial.agent().agentId(), other.agentId(), reason);
            start(tunnel, other, dial.host(), dial.port(), dial.loop(), dial.listener(), dial);
            return;
        }
        metrics.error(reason);
        dial.listener().failed(status, reason, message);
    }

    private static String drainingMessage(Tunnel tunnel) {
        return "the tunnel for port " + tunnel.key().port() + " takes no new connections: its agents are draining "
                + "(shutting down)";
    }

    /** The client hung up before the dial ended (the dial {@link #dial} returned, or the retry it moved to). */
    public void cancel(PendingDial dial) {
        for (PendingDial current = dial; current != null; current = current.retriedAs()) {
            if (end(current)) {
                metrics.error("CLIENT_GONE_DURING_DIAL");
                LOG.debugf("dial cancelled by the client %s connection=%s", current.tunnel(), current.connectionId());
            }
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
        if (result.getStatus() == io.secureconnect.proto.tunnel.v1.DialStatus.DIAL_STATUS_DRAINING) {
            // The agent began draining before this gateway read its Draining message: nothing was dialed.
            elsewhere(dial, 503, TUNNEL_DRAINING, drainingMessage(dial.tunnel()));
            return;
        }
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
                elsewhere(dial, 502, "AGENT_GONE", "the agent serving this connection disconnected");
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
