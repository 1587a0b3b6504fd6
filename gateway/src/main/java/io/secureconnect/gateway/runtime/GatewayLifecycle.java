package io.secureconnect.gateway.runtime;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.secureconnect.gateway.agentlink.AgentEndpoint;
import io.secureconnect.gateway.config.GatewaySettings;
import io.secureconnect.gateway.data.DataEndpoint;
import io.secureconnect.gateway.events.LeaseEventWatcher;
import io.secureconnect.gateway.events.RevocationWatcher;
import io.secureconnect.gateway.proxy.ProxyEndpoint;
import io.secureconnect.gateway.registry.GatewayRegistration;
import io.secureconnect.gateway.tls.CertificateNames;
import io.secureconnect.gateway.tls.TlsMaterial;
import io.secureconnect.gateway.tunnel.TunnelManager;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The wiring, in one place: start the data endpoint and the proxy, register with tunnel-registry, follow revocations
 * and lease events, then open the agent endpoint; on shutdown, hand the tunnels over to other gateways, say Goodbye to
 * every agent left and release every lease still held.
 */
@Singleton
public class GatewayLifecycle {

    private static final Logger LOG = Logger.getLogger(GatewayLifecycle.class);

    private final GatewaySettings settings;
    private final DataEndpoint data;
    private final ProxyEndpoint proxy;
    private final AgentEndpoint agents;
    private final GatewayRegistration registration;
    private final RevocationWatcher revocations;
    private final LeaseEventWatcher leaseEvents;
    private final TunnelManager tunnels;
    private volatile Ports ports;

    /** The ports bound (useful when a setting is 0). */
    public record Ports(int agent, int data, List<Integer> proxy) {
    }

    public GatewayLifecycle(GatewaySettings settings, DataEndpoint data, ProxyEndpoint proxy, AgentEndpoint agents,
            GatewayRegistration registration, RevocationWatcher revocations,
            LeaseEventWatcher leaseEvents, TunnelManager tunnels) {
        this.settings = settings;
        this.data = data;
        this.proxy = proxy;
        this.agents = agents;
        this.registration = registration;
        this.revocations = revocations;
        this.leaseEvents = leaseEvents;
        this.tunnels = tunnels;
    }

    void onStart(@Observes StartupEvent event) throws IOException, InterruptedException {
        TlsMaterial tls = settings.tls();
        CertificateNames names = settings.certificateNames();
        if (!names.covers(settings.publicHost())) {
            LOG.warnf("secureconnect.gateway.public-host=%s is not a name of the certificate (it names %s): builds"
                    + " that verify the proxy's TLS (HARNESS_HTTPS_PROXY) will refuse it", settings.publicHost(), names);
        }
        int dataPort = data.start(tls);
        List<Integer> proxyPorts = proxy.start(tls);
        revocations.start();
        int agentPort = agents.start(tls, settings.agentDataEndpoint(dataPort));
        registration.start(agentPort);
        leaseEvents.start();
        tunnels.startRenewing();
        ports = new Ports(agentPort, dataPort, proxyPorts);
    }

    void onStop(@Observes ShutdownEvent event) {
        // No new agent first (told to leave, an agent must not come straight back here), then the hand-over (agents
        // move their tunnels elsewhere while this gateway serves on), Goodbye (retryable) to every agent left and
        // release of every lease still ours, then stop the agent endpoint.
        agents.closeToNewAgents();
        tunnels.shutdown(settings.handOverTimeout());
        agents.stop();
        revocations.stop();
        leaseEvents.stop();
        registration.stop();
        proxy.stop();
        data.stop();
    }

    public Ports ports() {
        return ports;
    }
}
