package io.secureconnect.agent.dial;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.NetUtil;
import io.secureconnect.agent.data.DataConnectionPool;
import io.secureconnect.agent.data.DataLinkHealth;
import io.secureconnect.agent.data.DataPlane;
import io.secureconnect.agent.data.GatewayDataConnector;
import io.secureconnect.agent.data.Splicer;
import io.secureconnect.agent.net.HostPort;
import io.secureconnect.proto.tunnel.v1.DataPool;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.DialStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Answers one DialRequest: checks ALLOW, resolves the name with the private network's DNS, keeps the addresses that
 * ALLOW and the {@link HostGuard} let through, connects within the request's timeout, then opens the data
 * connection to the gateway, sends the preamble and starts relaying.
 * Each dial is a {@link Dial} that owns its parked carrier; the future completes with its {@link DialOutcome}.
 */
public final class Dialer {

    private static final Logger LOG = Logger.getLogger(Dialer.class);
    static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
    static final long MAX_TIMEOUT_MILLIS = 120_000;

    private final Allowlist allow;
    private final HostGuard guard;
    private final Resolver resolver;
    private final Executor blocking;
    private final DataPlane plane;
    private final GatewayDataConnector gateway;
    private final Splicer splicer;
    private final BooleanSupplier draining;

    public Dialer(Allowlist allow, Resolver resolver, Executor blocking, DataPlane plane,
                  GatewayDataConnector gateway, Splicer splicer, BooleanSupplier draining) {
        this.allow = allow;
        this.guard = new HostGuard(allow);
        this.resolver = resolver;
        this.blocking = blocking;
        this.plane = plane;
        this.gateway = gateway;
        this.splicer = splicer;
        this.draining = draining;
    }

    /**
     * Where the data connection goes and what it proves: from the gateway's Welcome; with the stream's pool of
     * parked data connections when the gateway takes them (null otherwise).
     */
    public record Tunnel(String tunnelId, HostPort dataEndpoint, DataConnectionPool pool) {

        public Tunnel(String tunnelId, HostPort dataEndpoint) {
            this(tunnelId, dataEndpoint, null);
        }

        /** The stream ended: its parked connections go. */
        public void close() {
            if (pool != null) {
                pool.close();
            }
        }
    }

    /**
     * The tunnel of a Welcome: parks data connections at the gateway when its Welcome offers a pool.
     *
     * @param assigned hears each dial the gateway assigned to a parked connection, with its outcome (as from
     *                 {@link #dial}), so failures can be told on the control stream
     */
    public Tunnel tunnel(String tunnelId, HostPort dataEndpoint, Optional<DataPool> terms,
                         BiConsumer<DialRequest, CompletableFuture<DialOutcome>> assigned) {
        gateway.use(dataEndpoint);
        if (terms.isEmpty() || terms.get().getMaxParked() <= 0 || terms.get().getPoolId().isEmpty()) {
            return new Tunnel(tunnelId, dataEndpoint);
        }
        Tunnel[] self = new Tunnel[1];
        DataConnectionPool pool = new DataConnectionPool(gateway, plane, blocking, tunnelId, dataEndpoint,
                terms.get(), (request, channel) -> assigned.accept(request, dial(request, self[0], channel)));
        self[0] = new Tunnel(tunnelId, dataEndpoint, pool);
        pool.start();
        return self[0];
    }

    /** A DialRequest from the control stream: the answer goes on a new data connection. */
    public CompletableFuture<DialOutcome> dial(DialRequest request, Tunnel tunnel) {
        return dial(request, tunnel, null);
    }

    /**
     * @param carrier the parked data connection the gateway wrote the request on (the answer goes there; it is
     *                released when the dial fails), or null for a new one
     */
    CompletableFuture<DialOutcome> dial(DialRequest request, Tunnel tunnel, Channel carrier) {
        String host = request.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = request.getPort();
        boolean destination = !host.isEmpty() && port >= 1 && port <= 65535;
        boolean nameAllowed = destination && allow.allowsName(host, port);
        Dial dial = new Dial(request, tunnel, carrier, carrier == null ? plane.nextLoop() : carrier.eventLoop(), host,
                destination ? destination(host, port) : host + ":" + port, nameAllowed, timeoutMillis(request));
        CompletableFuture<DialOutcome> logged = dial.outcome().whenComplete((outcome, error) -> log(dial, outcome));
        if (draining.getAsBoolean()) {
            dial.fail(DialStatus.DIAL_STATUS_DRAINING, "the agent is shutting down and takes no new connections");
        } else if (!destination) {
            dial.fail(DialStatus.DIAL_STATUS_UNREACHABLE,
                    "not a destination: host '" + request.getHost() + "', port " + port);
        } else if (!nameAllowed && !allow.hasNetworkRules()) {
            dial.fail(DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST, dial.destination + " is not in the agent's ALLOW list");
        } else {
            start(dial);
        }
        return logged;
    }

    static String destination(String host, int port) {
        return new HostPort(host, port).toString();
    }

    private void start(Dial dial) {
        Runnable work = () -> {
            try {
                resolveAndConnect(dial);
            } catch (RuntimeException e) {
                dial.fail(DialStatus.DIAL_STATUS_UNREACHABLE, "cannot dial " + dial.destination + ": " + e);
            }
        };
        if (NetUtil.isValidIpV4Address(dial.host) || NetUtil.isValidIpV6Address(dial.host)) {
            // An address: nothing to resolve, nothing blocks. Still a task on the loop, not inline: a socket created
            // while the loop is dispatching an epoll batch could take the fd of one closed earlier in that batch
            // and receive its stale event (Netty maps events to channels by fd).
            dial.loop.execute(work);
        } else {
            blocking.execute(work);
        }
        // The JDK resolver has no timeout of its own: the dial's deadline bounds it (and everything after it). The
        // timer runs on the dial's own loop: no other thread to wake per dial.
        var timer = dial.loop.schedule(() -> dial.fail(DialStatus.DIAL_STATUS_TIMEOUT, "no answer from "
                + dial.destination + " within " + dial.timeoutMillis + " ms"), dial.timeoutMillis + 50,
                TimeUnit.MILLISECONDS);
        dial.outcome().whenComplete((outcome, error) -> timer.cancel(false));
    }

    private void resolveAndConnect(Dial dial) {
        InetAddress[] resolved;
        try {
            resolved = resolver.resolve(dial.host);
        } catch (UnknownHostException e) {
            dial.fail(DialStatus.DIAL_STATUS_NAME_NOT_RESOLVED, dial.host + " does not resolve in the agent's network");
            return;
        }
        if (dial.overdue()) {
            dial.fail(DialStatus.DIAL_STATUS_TIMEOUT,
                    "resolving " + dial.host + " took longer than " + dial.timeoutMillis + " ms");
            return;
        }
        List<InetAddress> addresses = new ArrayList<>();
        Optional<String> guarded = Optional.empty();
        for (InetAddress each : resolved) {
            InetAddress address = HostGuard.unmapped(each);
            Optional<String> refusal = guard.refusal(dial.host, address, dial.port());
            if (refusal.isPresent()) {
                guarded = guarded.or(() -> refusal);
            } else if (dial.nameAllowed || allow.allowsAddress(address, dial.port())) {
                addresses.add(address);
            }
        }
        if (addresses.isEmpty()) {
            String shown = Arrays.stream(resolved).map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
            dial.fail(DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST,
                    guarded.orElse(dial.destination + " (" + shown + ") is not in the agent's ALLOW list"));
            return;
        }
        connect(dial, addresses, 0);
    }

    /**
     * Tries the allowed addresses in order, each with what is left of the timeout, on the loop of the parked data
     * connection carrying this dial (if any), so the two can be spliced without a thread hop.
     */
    private void connect(Dial dial, List<InetAddress> addresses, int index) {
        InetSocketAddress address = new InetSocketAddress(addresses.get(index), dial.port());
        long leftMillis = dial.millisLeft();
        if (leftMillis <= 0) {
            dial.fail(DialStatus.DIAL_STATUS_TIMEOUT, "no answer from " + dial.request.getHost() + ":" + dial.port()
                    + " within " + dial.timeoutMillis + " ms");
            return;
        }
        plane.destinationBootstrap(dial.loop, (int) Math.min(Integer.MAX_VALUE, leftMillis)).connect(address)
                .addListener((ChannelFuture connected) -> {
                    if (dial.done()) {
                        connected.channel().close(); // timed out meanwhile: the gateway gave up on it
                    } else if (connected.isSuccess()) {
                        Channel carrier = dial.takeCarrier();
                        if (carrier != null) {
                            splice(dial, connected.channel(), carrier);
                        } else {
                            openDataConnection(dial, connected.channel());
                        }
                    } else if (index + 1 < addresses.size() && !dial.overdue()) {
                        connect(dial, addresses, index + 1);
                    } else {
                        dial.fail(new DialOutcome.Failed(DialFailures.connectFailed(dial.id(), address,
                                connected.cause(), dial.timeoutMillis)));
                    }
                });
    }

    /** No parked connection: a new one, resolving the gateway's name off the event loop. */
    private void openDataConnection(Dial dial, Channel destination) {
        blocking.execute(() -> {
            GatewayDataConnector.Route route;
            try {
                route = gateway.route(dial.tunnel.dataEndpoint());
            } catch (UnknownHostException e) {
                destination.close();
                dial.fail(DialStatus.DIAL_STATUS_DATA_CONNECTION_FAILED,
                        "the agent cannot resolve the gateway's data endpoint (" + e.getMessage() + ")");
                return;
            }
            openDataConnection(dial, route, destination);
        });
    }

    private void openDataConnection(Dial dial, GatewayDataConnector.Route route, Channel destination) {
        gateway.open(destination.eventLoop(), route).addListener(opened -> {
            if (!opened.isSuccess()) {
                destination.close();
                dial.fail(DialStatus.DIAL_STATUS_DATA_CONNECTION_FAILED, "the agent cannot open a data connection to"
                        + " the gateway at " + route.endpoint() + ": " + DataLinkHealth.describe(opened.cause()));
                return;
            }
            if (dial.done()) {
                destination.close(); // timed out meanwhile
                ((Channel) opened.getNow()).close();
                return;
            }
            splice(dial, destination, (Channel) opened.getNow());
        });
    }

    private void splice(Dial dial, Channel destination, Channel data) {
        DataPreamble preamble = DataPreamble.newBuilder()
                .setTunnelId(dial.tunnel.tunnelId())
                .setConnectionId(dial.id())
                .setTicket(dial.request.getTicket())
                .build();
        splicer.join(destination, data, preamble);
        dial.connected();
    }

    static long timeoutMillis(DialRequest request) {
        if (!request.hasTimeout()) {
            return DEFAULT_TIMEOUT_MILLIS;
        }
        long millis = request.getTimeout().getSeconds() * 1000 + request.getTimeout().getNanos() / 1_000_000;
        return millis <= 0 ? DEFAULT_TIMEOUT_MILLIS : Math.min(millis, MAX_TIMEOUT_MILLIS);
    }

    private static void log(Dial dial, DialOutcome outcome) {
        if (outcome instanceof DialOutcome.Failed failed) {
            LOG.infof("connection %s to %s:%d: %s: %s", dial.id(), dial.request.getHost(), dial.port(),
                    failed.result().getStatus().name().replace("DIAL_STATUS_", ""), failed.result().getMessage());
        } else if (outcome != null) {
            LOG.debugf("connection %s to %s: connected", dial.id(), dial.destination);
        }
    }
}
