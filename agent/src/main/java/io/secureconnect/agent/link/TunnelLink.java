package io.secureconnect.agent.link;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.secureconnect.agent.config.AgentSettings;
import io.secureconnect.agent.data.OpenConnections;
import io.secureconnect.agent.dial.DialOutcome;
import io.secureconnect.agent.dial.Dialer;
import io.secureconnect.proto.CallMetadata;
import io.secureconnect.proto.tunnel.v1.AgentMessage;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.Draining;
import io.secureconnect.proto.tunnel.v1.GatewayMessage;
import io.secureconnect.proto.tunnel.v1.Goodbye;
import io.secureconnect.proto.tunnel.v1.GoodbyeReason;
import io.secureconnect.proto.tunnel.v1.HandOver;
import io.secureconnect.proto.tunnel.v1.Heartbeat;
import io.secureconnect.proto.tunnel.v1.Hello;
import io.secureconnect.proto.tunnel.v1.TunnelServiceGrpc;
import io.secureconnect.proto.tunnel.v1.Welcome;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The control channel: connects to the gateway, says Hello, keeps the stream alive with heartbeats, answers
 * DialRequests through the {@link Dialer}, and reconnects with backoff when the stream ends, until a Goodbye
 * (or a status) says reconnecting cannot help. All state lives on one thread, the executor given; gRPC calls back
 * on its own (relay) thread, which starts a DialRequest of a welcomed stream at once (no hop before the dial) and
 * hands everything else to that executor, in order.
 */
public final class TunnelLink {

    private static final Logger LOG = Logger.getLogger(TunnelLink.class);
    static final Duration WELCOME_TIMEOUT = Duration.ofSeconds(15);
    /** Statuses after which the same request can only fail again: stop instead of retrying forever. */
    private static final Set<Status.Code> FINAL = Set.of(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED,
            Status.Code.ALREADY_EXISTS, Status.Code.INVALID_ARGUMENT);

    public enum State { NEW, CONNECTING, CONNECTED, WAITING, DRAINING, STOPPED, GAVE_UP }

    private final AgentSettings settings;
    private final AgentIdentity identity;
    private final Supplier<ManagedChannel> channels;
    private final Dialer dialer;
    private final OpenConnections connections;
    private final Backoff backoff;
    private final ScheduledExecutorService executor;
    private final Consumer<String> onGiveUp;
    private final Redactor redactor;

    private volatile State state = State.NEW;
    private volatile Session current;
    /** During a hand-over: the stream opened to another gateway while {@link #current} still serves. */
    private volatile Session successor;
    private volatile boolean draining;

    /**
     * @param onGiveUp called once, with why, when the link stops for good (the process then exits with 1)
     */
    public TunnelLink(AgentSettings settings, AgentIdentity identity, Supplier<ManagedChannel> channels,
                      Dialer dialer, OpenConnections connections, Backoff backoff, ScheduledExecutorService executor,
                      Consumer<String> onGiveUp) {
        this.settings = settings;
        this.identity = identity;
        this.channels = channels;
        this.dialer = dialer;
        this.connections = connections;
        this.backoff = backoff;
        this.executor = executor;
        this.onGiveUp = onGiveUp;
        this.redactor = new Redactor(settings.apiKey());
    }

    public void start() {
        executor.execute(this::connect);
    }

    public State state() {
        return state;
    }

    /** The gateway's Welcome of the stream that is up now, if any. */
    public java.util.Optional<Welcome> welcome() {
        Session session = current;
        return session == null || session.over || state != State.CONNECTED
                ? java.util.Optional.empty() : java.util.Optional.ofNullable(session.welcome);
    }

    /** True once draining started: the Dialer refuses new dials with DIAL_STATUS_DRAINING. */
    public boolean draining() {
        return draining;
    }

    /** A DialRequest of a welcomed stream starts at once, on gRPC's thread: no hop before the dial. */
    void dialNow(Session session, DialRequest request) {
        session.lastHeard = System.nanoTime();
        dial(session, request);
    }

    /** Everything else the gateway says goes to the link's thread, in order. */
    void received(Session session, GatewayMessage message) {
        onLinkThread(() -> {
            if (session.over) {
                return;
            }
            session.lastHeard = System.nanoTime();
            switch (message.getKindCase()) {
                case WELCOME -> welcomed(session, message.getWelcome());
                case HEARTBEAT_ACK -> { } // lastHeard is all it tells
                case DIAL_REQUEST -> dial(session, message.getDialRequest());
                case GOODBYE -> saidGoodbye(session, message.getGoodbye());
                case HAND_OVER -> handOver(session, message.getHandOver());
                default -> LOG.debugf("ignoring a gateway message of unknown kind %s", message.getKindCase());
            }
        });
    }

    void failed(Session session, Throwable error) {
        onLinkThread(() -> ended(session, Reasons.of(error, redactor), Status.fromThrowable(error).getCode()));
    }

    void completed(Session session) {
        onLinkThread(() -> ended(session, "the gateway closed the stream", Status.Code.OK));
    }

    /**
     * What the stream reports runs on the link's thread. Once the agent has stopped that thread is gone, and what
     * the closing stream still says (its end) no longer matters.
     */
    private void onLinkThread(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("the link has stopped; ignoring what the closed stream reported");
        }
    }

    private void connect() {
        if (state == State.STOPPED || state == State.GAVE_UP || draining) {
            return;
        }
        state = State.CONNECTING;
        current = open();
    }

    /** A new stream through REMOTE_SERVER: Hello, and a deadline for the Welcome. */
    private Session open() {
        LOG.infof("connecting to %s%s", settings.remoteServer(),
                settings.httpsProxy().map(proxy -> " via proxy " + proxy).orElse(""));
        Session session = new Session(this, channels.get());
        Metadata headers = new Metadata();
        headers.put(CallMetadata.API_KEY, settings.apiKey());
        TunnelServiceGrpc.newStub(session.channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .connect(session);
        session.requests.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder()
                .setRemotePort(settings.remotePort())
                .setAgentId(identity.agentId())
                .setAgentVersion(identity.version())
                .setHostname(identity.hostname())).build());
        session.timer = executor.schedule(() -> {
            if (session.welcome == null) {
                lost(session, "no Welcome from the gateway within " + WELCOME_TIMEOUT.toSeconds() + " s");
            }
        }, WELCOME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return session;
    }

    /**
     * The gateway of {@code session} is going away (make before break): open a stream through REMOTE_SERVER, which
     * lands on another gateway, while this one goes on serving dials until its gateway ends it.
     */
    private void handOver(Session session, HandOver handOver) {
        if (session != current || session.welcome == null || successor != null || draining
                || state == State.STOPPED || state == State.GAVE_UP) {
            return;
        }
        LOG.infof("gateway %s hands over: %s", session.welcome.getGatewayId(), handOver.getMessage());
        successor = open();
    }

    private void welcomed(Session session, Welcome welcome) {
        if (session == successor) {
            successor = null;
            current = session; // the previous stream serves on until its gateway ends it
        }
        session.timer.cancel(false);
        session.welcome = welcome;
        session.connectedAt = System.nanoTime();
        session.tunnel = dialer.tunnel(welcome.getTunnelId(),
                WelcomeTerms.dataEndpoint(welcome.getDataEndpoint(), settings.remoteServer()),
                welcome.hasDataPool() ? java.util.Optional.of(welcome.getDataPool()) : java.util.Optional.empty(),
                (request, outcome) -> report(session, request, outcome));
        state = State.CONNECTED;
        LOG.infof("connected: port %d via gateway %s (tunnel %s, resumed=%s)", welcome.getPort(),
                welcome.getGatewayId(), welcome.getTunnelId(), welcome.getResumed());
        long interval = WelcomeTerms.heartbeatMillis(welcome);
        session.timer = executor.scheduleAtFixedRate(() -> beat(session, interval), interval, interval,
                TimeUnit.MILLISECONDS);
    }

    private void beat(Session session, long intervalMillis) {
        if (session.over) {
            return;
        }
        long silentMillis = (System.nanoTime() - session.lastHeard) / 1_000_000;
        if (silentMillis >= 3 * intervalMillis) {
            lost(session, "no answer from the gateway for " + silentMillis + " ms");
            return;
        }
        session.send(AgentMessage.newBuilder().setHeartbeat(Heartbeat.newBuilder()
                .setSequence(++session.sequence)
                .setOpenConnections(connections.count())).build());
    }

    private void dial(Session session, DialRequest request) {
        if (session.tunnel == null) {
            LOG.warnf("ignoring DialRequest %s that came before Welcome", request.getConnectionId());
            return;
        }
        report(session, request, dialer.dial(request, session.tunnel));
    }

    /** A dial's failure goes back on the control stream; success is told by its data connection. */
    private void report(Session session, DialRequest request, CompletableFuture<DialOutcome> outcome) {
        outcome.whenComplete((done, error) -> {
            if (done instanceof DialOutcome.Connected) {
                return; // the data connection told the gateway
            }
            executor.execute(() -> {
                if (error != null) {
                    LOG.warnf("connection %s: dial failed unexpectedly: %s", request.getConnectionId(), error);
                } else if (done instanceof DialOutcome.Failed failed) {
                    session.send(AgentMessage.newBuilder().setDialResult(failed.result()).build());
                }
            });
        });
    }

    private void saidGoodbye(Session session, Goodbye goodbye) {
        session.goodbye = goodbye;
        if (!goodbye.getRetryable()) {
            giveUp(session, Reasons.of(goodbye, redactor));
        }
    }

    /** The gateway stopped answering: end the stream ourselves. */
    private void lost(Session session, String why) {
        if (session.over) {
            return;
        }
        session.requests.cancel(why, null);
        ended(session, why, Status.Code.UNAVAILABLE);
    }

    private void ended(Session session, String why, Status.Code code) {
        if (session.over) {
            return;
        }
        session.end(false);
        if (state == State.STOPPED || state == State.GAVE_UP) {
            return;
        }
        String reason = session.goodbye == null ? why : Reasons.of(session.goodbye, redactor) + " (" + why + ")";
        if (session != current || successor != null) {
            handedOverStreamEnded(session, reason);
            return;
        }
        if (session.goodbye == null && FINAL.contains(code)) {
            giveUp(session, reason);
            return;
        }
        if (draining) {
            LOG.infof("disconnected: %s; not reconnecting while draining", reason);
            return;
        }
        if (session.welcome != null) {
            backoff.connectionEnded(Duration.ofNanos(System.nanoTime() - session.connectedAt));
        }
        // A gateway that is shutting down sends its agents elsewhere: go at once (the balancer in front of the
        // gateways picks a live one); the backoff is for failures.
        long delay = isGatewayShutdown(session.goodbye) ? 0 : backoff.nextDelayMillis();
        state = State.WAITING;
        LOG.infof("disconnected: %s; retrying in %d ms", reason, delay);
        executor.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * A stream ended during or after a hand-over: the previous gateway's (the successor, if not welcomed yet, is the
     * stream now), or a successor that failed (the previous stream serves on; its end reconnects as usual).
     */
    private void handedOverStreamEnded(Session session, String reason) {
        if (session == successor) {
            successor = null;
            LOG.warnf("the stream to a new gateway failed: %s; the current one serves on", reason);
        } else if (session == current) {
            current = successor;
            successor = null;
            state = State.CONNECTING;
            LOG.infof("the previous gateway's stream ended: %s; waiting for the new gateway's Welcome", reason);
        } else {
            LOG.infof("the previous gateway's stream ended: %s", reason);
        }
    }

    private static boolean isGatewayShutdown(Goodbye goodbye) {
        return goodbye != null && goodbye.getReason() == GoodbyeReason.GOODBYE_REASON_GATEWAY_SHUTDOWN;
    }

    private void giveUp(Session session, String why) {
        session.end(false);
        if (state == State.GAVE_UP || state == State.STOPPED) {
            return;
        }
        state = State.GAVE_UP;
        LOG.errorf("giving up: %s", why);
        connections.closeAll();
        onGiveUp.accept(why);
    }

    /**
     * Graceful drain: tells the gateway (Draining{deadline}), refuses new dials, waits for the open connections
     * up to the timeout, then closes what is left and the stream. Blocks the calling thread.
     */
    public void drain(Duration timeout) throws InterruptedException {
        CompletableFuture<Boolean> told = new CompletableFuture<>();
        executor.execute(() -> {
            draining = true;
            dropSuccessor();
            Session session = current;
            boolean live = session != null && !session.over && session.welcome != null;
            if (live) {
                state = State.DRAINING;
                session.send(AgentMessage.newBuilder().setDraining(Draining.newBuilder()
                        .setDeadline(com.google.protobuf.Duration.newBuilder()
                                .setSeconds(timeout.getSeconds()).setNanos(timeout.getNano()))).build());
            }
            told.complete(live);
        });
        try {
            told.get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warnf("could not tell the gateway about the drain: %s", e.toString());
        }
        int open = connections.count();
        LOG.infof("draining: %d open connection(s), deadline %d s; refusing new connections", open,
                timeout.toSeconds());
        if (connections.awaitNone(timeout)) {
            LOG.infof("drained: every connection finished");
        } else {
            LOG.warnf("drain deadline passed: closing %d connection(s)", connections.count());
            connections.closeAll();
        }
        stop();
    }

    /** No move to another gateway after all (draining or stopping). */
    private void dropSuccessor() {
        if (successor != null) {
            successor.end(false);
            successor = null;
        }
    }

    /** Ends the stream (the agent leaves politely) and stops reconnecting. */
    public void stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        executor.execute(() -> {
            if (state != State.GAVE_UP) {
                state = State.STOPPED;
            }
            dropSuccessor();
            if (current != null) {
                current.end(true);
            }
            done.complete(null);
        });
        try {
            done.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debugf("stop: %s", e.toString());
        }
    }
}
