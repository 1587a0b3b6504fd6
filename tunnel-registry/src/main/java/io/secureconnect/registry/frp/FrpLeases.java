package io.secureconnect.registry.frp;

import io.secureconnect.registry.config.RegistryConfig;
import io.secureconnect.registry.gateway.GatewayService;
import io.secureconnect.registry.lease.AcquireCommand;
import io.secureconnect.registry.lease.Grant;
import io.secureconnect.registry.lease.LeaseFailure;
import io.secureconnect.registry.lease.LeaseService;
import io.secureconnect.registry.lease.RenewCommand;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;

/**
 * Leases taken through frps: frps is recorded as one gateway ({@code secureconnect.registry.frp.gateway-id}),
 * kept alive by the hooks it calls; each frp proxy holds the lease of its remote port.
 */
@ApplicationScoped
public class FrpLeases {

    @Inject
    LeaseService leases;

    @Inject
    GatewayService gateways;

    @Inject
    RegistryConfig config;

    /** frps calls us, so it is alive: (re-)register it as the gateway its leases go through. */
    public String frpsGateway() {
        RegistryConfig.Frp frp = config.frp();
        gateways.register(frp.gatewayId(), frp.agentEndpoint(), frp.proxyHost(), "frps");
        return frp.gatewayId();
    }

    /** Acquires the port of a new proxy (0: the lowest free one) and remembers which proxy holds it. */
    @Transactional
    Grant open(FrpSessions.Session session, String proxyName, int port) {
        String gatewayId = frpsGateway();
        Grant grant = leases.acquire(new AcquireCommand(session.accountId(), port, session.apiKeyId(), gatewayId,
                session.runId(), session.hostname(), frpcVersion(session), false));
        FrpProxy proxy = FrpProxy.find(session.runId(), proxyName);
        boolean created = proxy == null;
        if (created) {
            proxy = new FrpProxy();
            proxy.runId = session.runId();
            proxy.proxyName = proxyName;
        }
        proxy.accountId = session.accountId();
        proxy.port = grant.lease().port();
        proxy.epoch = grant.lease().epoch();
        if (created) {
            proxy.persist();
        }
        return grant;
    }

    /** Renews the leases of every proxy of a login; returns the ports whose lease is lost. */
    List<Integer> renewAll(FrpSessions.Session session) {
        List<FrpProxy> proxies = FrpProxy.ofLogin(session.runId());
        List<Integer> lost = new ArrayList<>();
        if (proxies.isEmpty()) {
            return lost;
        }
        String gatewayId = frpsGateway();
        for (FrpProxy proxy : proxies) {
            try {
                leases.renew(new RenewCommand(proxy.accountId, proxy.port, proxy.epoch, gatewayId, null, null));
            } catch (LeaseFailure e) {
                lost.add(proxy.port);
            }
        }
        return lost;
    }

    /** Releases the lease of a closed proxy; nothing to do when the proxy is unknown or its lease is gone. */
    @Transactional
    void close(String runId, String proxyName) {
        FrpProxy proxy = FrpProxy.find(runId, proxyName);
        if (proxy == null) {
            return;
        }
        try {
            leases.release(proxy.accountId, proxy.port, proxy.epoch, config.frp().gatewayId());
        } catch (LeaseFailure lostAlready) {
            // another epoch holds the port now: this proxy has nothing left to release
        }
        proxy.delete();
    }

    /** Whether a proxy's lease is still the live one (frps should not let users in otherwise). */
    boolean live(String runId, String proxyName) {
        FrpProxy proxy = FrpProxy.find(runId, proxyName);
        return proxy != null && leases.isLive(proxy.accountId, proxy.port, proxy.epoch);
    }

    private static String frpcVersion(FrpSessions.Session session) {
        return session.frpcVersion().isEmpty() ? "frpc" : "frpc " + session.frpcVersion();
    }
}
