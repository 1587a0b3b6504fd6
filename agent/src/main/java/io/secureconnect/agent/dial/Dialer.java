package io.secureconnect.agent.dial;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.secureconnect.agent.net.HostPort;
import io.secureconnect.agent.data.DataConnectionPool;
import io.secureconnect.agent.data.DataPlane;
import io.secureconnect.agent.data.GatewayDataConnector;
import io.secureconnect.agent.data.Splicer;
import io.secureconnect.datalink.Carrier;
import io.secureconnect.proto.tunnel.v1.DataPool;
import io.secureconnect.proto.tunnel.v1.DataPreamble;
import io.secureconnect.proto.tunnel.v1.DialRequest;
import io.secureconnect.proto.tunnel.v1.DialResult;
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
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Answers one DialRequest: checks ALLOW, resolves the name with the private network's DNS, keeps the addresses that
 * ALLOW and the {@link HostGuard} let through, connects within the request's timeout, then opens the data
 * connection to the gateway, sends the preamble and starts relaying.
 * The future completes with the DialResult to send back when the dial failed, or empty when the data connection
 * carries the answer (success).
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
                         BiConsumer<DialRequest, CompletableFuture<Optional<DialResult>>> assigned) {
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
    public CompletableFuture<Optional<DialResult>> dial(DialRequest request, Tunnel tunnel) {
        return dial(request, tunnel, null);
    }

    /**
     * @param carrier the parked data connection the gateway wrote the request on (the answer goes there; it is
     *                closed when the dial fails), or null for a new one
     */
    CompletableFuture<Optional<DialResult>> dial(DialRequest request, Tunnel tunnel, Channel carrier) {
        String id = request.getConnectionId();
        if (draining.getAsBoolean()) {
            release(carrier);
            return failed(DialFailures.result(id, DialStatus.DIAL_STATUS_DRAINING,
                    "the agent is shutting down and takes no new connections"), request);
        }
        String host = request.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = request.getPort();
        if (host.isEmpty() || port < 1 || port > 65535) {
            release(carrier);
            return failed(DialFailures.result(id, DialStatus.DIAL_STATUS_UNREACHABLE,
                    "not a destination: host '" + request.getHost() + "', port " + port), request);
        }
        String destination = new HostPort(host, port).toString();
        boolean nameAllowed = allow.allowsName(host, port);
        if (!nameAllowed && !allow.hasNetworkRules()) {
            release(carrier);
            return failed(refused(id, destination), request);
        }
        long timeoutMillis = timeoutMillis(request);
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        CompletableFuture<Optional<DialResult>> result = new CompletableFuture<>();
        EventLoop loop = carrier == null ? plane.nextLoop() : carrier.eventLoop();
        String resolvedHost = host;
        Runnable work = () -> {
            try {
                resolveAndConnect(request, tunnel, carrier, loop, resolvedHost, nameAllowed, destination,
                        timeoutMillis, deadline, result);
            } catch (RuntimeException e) {
                release(carrier);
                result.complete(Optional.of(DialFailures.result(id, DialStatus.DIAL_STATUS_UNREACHABLE,
                        "cannot dial " + destination + ": " + e)));
            }
        };
        if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            // An address: nothing to resolve, nothing blocks. Still a task on the loop, not inline: a socket created
            // while the loop is dispatching an epoll batch could take the fd of one closed earlier in that batch
            // and receive its stale event (Netty maps events to channels by fd).
            loop.execute(work);
        } else {
            blocking.execute(work);
        }
        // The JDK resolver has no timeout of its own: the dial's deadline bounds it (and everything after it). The
        // timer runs on the dial's own loop: no other thread to wake per dial.
        var timer = loop.schedule(() -> result.complete(Optional.of(DialFailures.result(id,
                DialStatus.DIAL_STATUS_TIMEOUT, "no answer from " + destination + " within " + timeoutMillis
                        + " ms"))), timeoutMillis + 50, java.util.concurrent.TimeUnit.MILLISECONDS);
        result.whenComplete((answer, error) -> timer.cancel(false));
        return result.thenApply(answer -> {
            answer.ifPresentOrElse(failure -> logFailure(request, failure),
                    () -> LOG.debugf("connection %s to %s: connected", id, destination));
            return answer;
        });
    }

    private void resolveAndConnect(DialRequest request, Tunnel tunnel, Channel parked, EventLoop loop, String host,
                                   boolean nameAllowed,
                                   String destination, long timeoutMillis, long deadline,
                                   CompletableFuture<Optional<DialResult>> result) {
        String id = request.getConnectionId();
        InetAddress[] resolved;
        try {
            resolved = resolver.resolve(host);
        } catch (UnknownHostException e) {
            release(parked);
            result.complete(Optional.of(DialFailures.result(id, DialStatus.DIAL_STATUS_NAME_NOT_RESOLVED,
                    host + " does not resolve in the agent's network")));
            return;
        }
        if (System.nanoTime() - deadline > 0) {
            release(parked);
            result.complete(Optional.of(DialFailures.result(id, DialStatus.DIAL_STATUS_TIMEOUT,
                    "resolving " + host + " took longer than " + timeoutMillis + " ms")));
            return;
        }
        List<InetAddress> addresses = new ArrayList<>();
        Optional<String> guarded = Optional.empty();
        for (InetAddress each : resolved) {
            InetAddress address = HostGuard.unmapped(each);
            Optional<String> refusal = guard.refusal(host, address, request.getPort());
            if (refusal.isPresent()) {
                guarded = guarded.or(() -> refusal);
            } else if (nameAllowed || allow.allowsAddress(address, request.getPort())) {
                addresses.add(address);
            }
        }
        if (addresses.isEmpty()) {
            String shown = Arrays.stream(resolved).map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
            release(parked);
            result.complete(Optional.of(DialFailures.result(id, DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST,
                    guarded.orElse(destination + " (" + shown + ") is not in the agent's ALLOW list"))));
            return;
        }
        connect(request, tunnel, parked, addresses, 0, loop, timeoutMillis, deadline, result);
    }

    /**
     * Tries the allowed addresses in order, each with what is left of the timeout, on the loop of the parked data
     * connection carrying this dial (if any), so the two can be spliced without a thread hop.
     */
    private void connect(DialRequest request, Tunnel tunnel, Channel parked,
                         List<InetAddress> addresses, int index, EventLoop loop, long timeoutMillis, long deadline,
                         CompletableFuture<Optional<DialResult>> result) {
        String id = request.getConnectionId();
        InetSocketAddress address = new InetSocketAddress(addresses.get(index), request.getPort());
        long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
        if (leftMillis <= 0) {
            release(parked);
            result.complete(Optional.of(DialFailures.result(id, DialStatus.DIAL_STATUS_TIMEOUT,
                    "no answer from " + request.getHost() + ":" + request.getPort() + " within " + timeoutMillis
                            + " ms")));
            return;
        }
        plane.destinationBootstrap(loop, (int) Math.min(Integer.MAX_VALUE, leftMillis)).connect(address)
                .addListener((ChannelFuture connected) -> {
                    if (result.isDone()) {
                        release(parked);
                        connected.channel().close(); // timed out meanwhile: the gateway gave up on it
                    } else if (connected.isSuccess()) {
                        if (parked != null && parked.isActive()) {
                            splice(request, tunnel, connected.channel(), parked, result);
                        } else {
                            release(parked);
                            openDataConnection(request, tunnel, connected.channel(), result);
                        }
                    } else if (index + 1 < addresses.size() && deadline - System.nanoTime() > 0) {
                        connect(request, tunnel, parked, addresses, index + 1, loop, timeoutMillis, deadline, result);
                    } else {
                        release(parked);
                        result.complete(Optional.of(
                                DialFailures.connectFailed(id, address, connected.cause(), timeoutMillis)));
                    }
                });
    }

    /** No parked connection: a new one, resolving the gateway's name off the event loop. */
    private void openDataConnection(DialRequest request, Tunnel tunnel, Channel destination,
                                    CompletableFuture<Optional<DialResult>> result) {
        blocking.execute(() -> {
            GatewayDataConnector.Route route;
            try {
                route = gateway.route(tunnel.dataEndpoint());
            } catch (UnknownHostException e) {
                destination.close();
                result.complete(Optional.of(DialFailures.result(request.getConnectionId(),
                        DialStatus.DIAL_STATUS_DATA_CONNECTION_FAILED,
                        "the agent cannot resolve the gateway's data endpoint (" + e.getMessage() + ")")));
                return;
            }
            openDataConnection(request, tunnel, route, destination, result);
        });
    }

    private void openDataConnection(DialRequest request, Tunnel tunnel, GatewayDataConnector.Route route,
                                    Channel destination, CompletableFuture<Optional<DialResult>> result) {
        gateway.open(destination.eventLoop(), route).addListener(opened -> {
            if (!opened.isSuccess()) {
                destination.close();
                Throwable cause = opened.cause();
                result.complete(Optional.of(DialFailures.result(request.getConnectionId(),
                        DialStatus.DIAL_STATUS_DATA_CONNECTION_FAILED, "the agent cannot open a data connection to the"
                                + " gateway at " + route.endpoint() + ": " + io.secureconnect.agent.data.DataLinkHealth.describe(cause))));
                return;
            }
            if (result.isDone()) {
                destination.close(); // timed out meanwhile
                ((Channel) opened.getNow()).close();
                return;
            }
            splice(request, tunnel, destination, (Channel) opened.getNow(), result);
        });
    }

    private void splice(DialRequest request, Tunnel tunnel, Channel destination, Channel data,
                        CompletableFuture<Optional<DialResult>> result) {
        DataPreamble preamble = DataPreamble.newBuilder()
                .setTunnelId(tunnel.tunnelId())
                .setConnectionId(request.getConnectionId())
                .setTicket(request.getTicket())
                .build();
        splicer.join(destination, data, preamble);
        result.complete(Optional.empty());
    }

    /**
     * The parked connection of a dial that failed. A reusable one stays: nothing moved on it, so it is idle again
     * (the gateway does the same on the DialResult); closing it would also make the gateway re-send the dial on the
     * control stream. A single-use one closes (the pool has replaced it).
     */
    private static void release(Channel parked) {
        if (parked == null) {
            return;
        }
        Carrier carrier = Carrier.of(parked);
        if (carrier == null) {
            parked.close();
        } else if (parked.eventLoop().inEventLoop()) {
            carrier.unused();
        } else {
            parked.eventLoop().execute(carrier::unused);
        }
    }

    static long timeoutMillis(DialRequest request) {
        if (!request.hasTimeout()) {
            return DEFAULT_TIMEOUT_MILLIS;
        }
        long millis = request.getTimeout().getSeconds() * 1000 + request.getTimeout().getNanos() / 1_000_000;
        return millis <= 0 ? DEFAULT_TIMEOUT_MILLIS : Math.min(millis, MAX_TIMEOUT_MILLIS);
    }

    private static DialResult refused(String id, String destination) {
        return DialFailures.result(id, DialStatus.DIAL_STATUS_REFUSED_BY_ALLOWLIST,
                destination + " is not in the agent's ALLOW list");
    }

    private CompletableFuture<Optional<DialResult>> failed(DialResult failure, DialRequest request) {
        logFailure(request, failure);
        return CompletableFuture.completedFuture(Optional.of(failure));
    }

    private static void logFailure(DialRequest request, DialResult failure) {
        LOG.infof("connection %s to %s:%d: %s: %s", request.getConnectionId(), request.getHost(), request.getPort(),
                failure.getStatus().name().replace("DIAL_STATUS_", ""), failure.getMessage());
    }
}
