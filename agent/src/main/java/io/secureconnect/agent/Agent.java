package io.secureconnect.agent;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.secureconnect.agent.config.AgentSettings;
import io.secureconnect.agent.data.DataLinkHealth;
import io.secureconnect.agent.data.DataPlane;
import io.secureconnect.agent.data.GatewayDataConnector;
import io.secureconnect.agent.data.OpenConnections;
import io.secureconnect.agent.data.Splicer;
import io.secureconnect.agent.dial.Dialer;
import io.secureconnect.agent.dial.Resolver;
import io.secureconnect.agent.link.AgentIdentity;
import io.secureconnect.agent.link.Backoff;
import io.secureconnect.agent.link.GatewayChannels;
import io.secureconnect.agent.link.TrustAnchors;
import io.secureconnect.agent.link.TunnelLink;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/** The whole agent, wired in one place from its settings: control link, dialer, data plane. */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Agent.class);

    private final AgentSettings settings;
    private final AgentIdentity identity;
    private final ScheduledExecutorService linkThread;
    private final ExecutorService dnsThreads;
    private final DataPlane plane;
    private final OpenConnections connections;
    private final TunnelLink link;
    private final String tlsProvider;
    private final DataLinkHealth dataHealth;

    /**
     * @param onGiveUp called once with why when the gateway says reconnecting cannot help (revoked key, port
     *                 held by another key); the process exits with status 1 there
     */
    public Agent(AgentSettings settings, Resolver resolver, Consumer<String> onGiveUp)
            throws IOException, GeneralSecurityException {
        this.settings = settings;
        this.identity = AgentIdentity.ofThisProcess();
        this.linkThread = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("agent-link", true));
        this.dnsThreads = Executors.newCachedThreadPool(new DefaultThreadFactory("agent-dial", true));
        this.plane = new DataPlane(Runtime.getRuntime().availableProcessors());
        this.connections = new OpenConnections();
        TrustAnchors trust = TrustAnchors.load(settings.gatewayCa());
        this.dataHealth = new DataLinkHealth();
        GatewayDataConnector gateway = new GatewayDataConnector(plane, trust, settings.httpsProxy(), dataHealth);
        this.tlsProvider = gateway.tlsProvider();
        Splicer splicer = new Splicer(connections, settings.idleTimeout());
        TunnelLink[] self = new TunnelLink[1];
        Dialer dialer = new Dialer(settings.allow(), resolver, dnsThreads, plane, gateway, splicer,
                () -> self[0].draining());
        this.link = new TunnelLink(settings, identity, new GatewayChannels(settings, trust, plane,
                "secureconnect-agent/" + identity.version()), dialer, connections, Backoff.standard(), linkThread,
                onGiveUp);
        self[0] = link;
    }

    public void start() {
        LOG.infof("agent %s %s on %s: port %d, gateway %s%s; data plane %s, TLS %s", identity.agentId(),
                identity.version(), identity.hostname(), settings.remotePort(), settings.remoteServer(),
                settings.httpsProxy().map(proxy -> " via proxy " + proxy).orElse(""), plane.transport(), tlsProvider);
        if (settings.allow().allowsAll()) {
            LOG.warn("ALLOW is empty: every destination this network can reach is allowed, except loopback and"
                    + " link-local addresses; set ALLOW (e.g. ALLOW=*.corp.example,10.0.0.0/8:443) to restrict it");
        } else {
            LOG.infof("ALLOW: only %s", settings.allow());
        }
        link.start();
    }

    public TunnelLink link() {
        return link;
    }

    /** Whether data connections to the gateway open; the agent is not ready while they fail. */
    public DataLinkHealth dataHealth() {
        return dataHealth;
    }

    public OpenConnections connections() {
        return connections;
    }

    public AgentIdentity identity() {
        return identity;
    }

    /** SIGTERM: Draining to the gateway, no new dials, open connections finish up to the deadline. */
    public void drain(Duration deadline) throws InterruptedException {
        if (link.state() == TunnelLink.State.GAVE_UP || link.state() == TunnelLink.State.STOPPED) {
            return;
        }
        link.drain(deadline);
    }

    @Override
    public void close() {
        link.stop();
        connections.closeAll();
        plane.close();
        dnsThreads.shutdownNow();
        linkThread.shutdown();
        try {
            linkThread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
