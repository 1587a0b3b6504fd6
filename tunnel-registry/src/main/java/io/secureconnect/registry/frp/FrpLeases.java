package io.secureconnect.registry.frp;

import io.quarkus.hibernate.orm.panache.Panache;
import io.secureconnect.registry.config.FrpInstance;
import io.secureconnect.registry.config.RegistryConfig;
import io.secureconnect.registry.gateway.GatewayService;
import io.secureconnect.registry.lease.AcquireCommand;
import io.secureconnect.registry.lease.Grant;
import io.secureconnect.registry.lease.LeaseFailure;
import io.secureconnect.registry.lease.LeaseService;
import io.secureconnect.registry.lease.RenewCommand;
import io.secureconnect.registry.pool.PortPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Leases taken through a stock frps. Each frps instance is one gateway ({@link FrpInstance#gatewayId()}) and one
 * port space: a port is granted to at most one proxy of an frps, whichever account, because frps binds it on its own
 * host. The lifetime rule (README "frp"): a proxy's lease is held until released, with no TTL, since a default frpc
 * (tcpMux) sends no Ping; it ends with the proxy's CloseProxy, with a Login that carries the proxy's run_id (frps
 * closed that run_id's old control and its proxies first), when another login of the same API key asks for the
 * port on the same frps, or by force-release (REST).
 */
@ApplicationScoped
public class FrpLeases {

    private static final Logger LOG = Logger.getLogger(FrpLeases.class);

    @Inject
    LeaseService leases;

    @Inject
    GatewayService gateways;

    @Inject
    RegistryConfig config;

    @Inject
    PortPool pool;

    /** The single frps of {@code frp.gateway-id} (Harness's fork): (re-)register it as the gateway it is. */
    public String frpsGateway() {
        RegistryConfig.Frp frp = config.frp();
        gateways.register(frp.gatewayId(), frp.agentEndpoint(), frp.proxyHost(), "frps");
        return frp.gatewayId();
    }

    /** frps calls us, so it is alive: (re-)register it as the gateway its leases go through. */
    private String register(FrpInstance frps) {
        gateways.register(frps.gatewayId(), frps.agentEndpoint(), frps.proxyHost(), "frps");
        return frps.gatewayId();
    }

    /**
     * Acquires the port of a new proxy and records which proxy holds it. A named port must not be held on this frps
     * by a live proxy of another login, unless that login is of the same API key (then this one takes it over);
     * port 0 gets the lowest port free both on this frps and in the account. Serialised per frps instance.
     */
    @Transactional
    Grant open(FrpInstance frps, FrpSessions.Session session, String proxyName, int port) {
        Panache.getEntityManager().createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, "frp-port-space:" + frps.id()).getSingleResult();
        String gatewayId = register(frps);
        FrpProxy mine = FrpProxy.find(frps.id(), session.runId(), proxyName);
        Grant grant = port != 0 ? acquireNamed(frps, session, mine, proxyName, port)
                : acquireAny(frps, session, mine, gatewayId);
        int granted = grant.lease().port();
        if (mine != null && mine.port != granted) {
            releaseQuietly(mine, gatewayId);
        }
        FrpProxy.delete("frpsId = ?1 and port = ?2 and not (runId = ?3 and proxyName = ?4)", frps.id(), granted,
                session.runId(), proxyName);
        boolean created = mine == null;
        if (created) {
            mine = new FrpProxy();
            mine.frpsId = frps.id();
            mine.runId = session.runId();
            mine.proxyName = proxyName;
        }
        mine.accountId = session.accountId();
        mine.apiKeyId = session.apiKeyId();
        mine.port = granted;
        mine.epoch = grant.lease().epoch();
        if (created) {
            mine.persist();
        }
        return grant;
    }

    private Grant acquireNamed(FrpInstance frps, FrpSessions.Session session, FrpProxy mine, String proxyName,
            int port) {
        FrpProxy holder = FrpProxy.onPort(frps.id(), port);
        if (holder != null && holder != mine && live(holder)) {
            if (holder.runId.equals(session.runId())) {
                throw new FrpReject("proxy " + proxyName + ": remote_port " + port + " is held by proxy "
                        + holder.proxyName + " of this frpc (PORT_HELD)");
            }
            if (!holder.apiKeyId.equals(session.apiKeyId()) || !holder.accountId.equals(session.accountId())) {
                throw new FrpReject("proxy " + proxyName + ": remote_port " + port + " is held on frps " + frps.id()
                        + " by a proxy of another API key (PORT_HELD)");
            }
            LOG.infof("frp proxy takes over: frps=%s port=%d from runId=%s proxy=%s to runId=%s proxy=%s (same key)",
                    frps.id(), port, holder.runId, holder.proxyName, session.runId(), proxyName);
        }
        return leases.acquire(command(frps, session, port));
    }

    private Grant acquireAny(FrpInstance frps, FrpSessions.Session session, FrpProxy mine, String gatewayId) {
        if (mine != null && live(mine)) {
            return leases.acquire(command(frps, session, mine.port));
        }
        Set<Integer> candidates = new LinkedHashSet<>();
        for (int port = pool.first(); port <= pool.last(); port++) {
            candidates.add(port);
        }
        candidates.removeAll(busyOn(frps, mine));
        candidates.removeAll(heldBy(session.accountId()));
        for (int port : candidates) {
            try {
                return leases.acquire(command(frps, session, port));
            } catch (LeaseFailure e) {
                if (e.kind() != LeaseFailure.Kind.HELD) {
                    throw e;
                }
            }
        }
        throw new LeaseFailure(LeaseFailure.Kind.EXHAUSTED, "POOL_EXHAUSTED", "every port from " + pool.first()
                + " to " + pool.last() + " is held on frps " + frps.id() + " or by account " + session.accountId(),
                Map.of());
    }

    /** Ports held on this frps by live proxies other than {@code mine}. */
    @SuppressWarnings("unchecked")
    private static Set<Integer> busyOn(FrpInstance frps, FrpProxy mine) {
        List<Integer> ports = Panache.getEntityManager().createNativeQuery("SELECT p.port FROM frp_proxy p JOIN lease l"
                + " ON l.account_id = p.account_id AND l.port = p.port AND l.epoch = p.epoch AND l.state = 'LIVE'"
                + " AND l.expires_at >= now() WHERE p.frps_id = ?1 AND NOT (p.run_id = ?2 AND p.proxy_name = ?3)")
                .setParameter(1, frps.id()).setParameter(2, mine == null ? "" : mine.runId)
                .setParameter(3, mine == null ? "" : mine.proxyName).getResultList();
        return new LinkedHashSet<>(ports);
    }

    /** Ports the account holds or keeps for a reconnecting key, through any gateway: port 0 does not take them over. */
    @SuppressWarnings("unchecked")
    private Set<Integer> heldBy(String accountId) {
        List<Integer> ports = Panache.getEntityManager().createNativeQuery("SELECT port FROM lease WHERE account_id = ?1"
                + " AND state IN ('LIVE', 'EXPIRED') AND expires_at >= now() - make_interval(secs => ?2)")
                .setParameter(1, accountId).setParameter(2, (double) config.resumeGrace().toMillis() / 1000)
                .getResultList();
        return new LinkedHashSet<>(ports);
    }

    private AcquireCommand command(FrpInstance frps, FrpSessions.Session session, int port) {
        return new AcquireCommand(session.accountId(), port, session.apiKeyId(), frps.gatewayId(), session.runId(),
                session.hostname(), frpcVersion(session), true);
    }

    /** Renews (touches) the leases of every proxy of a login; returns the ports whose lease is lost. */
    List<Integer> renewAll(FrpInstance frps, FrpSessions.Session session) {
        List<FrpProxy> proxies = FrpProxy.ofLogin(frps.id(), session.runId());
        List<Integer> lost = new ArrayList<>();
        for (FrpProxy proxy : proxies) {
            try {
                leases.renew(new RenewCommand(proxy.accountId, proxy.port, proxy.epoch, frps.gatewayId(), null, null));
            } catch (LeaseFailure e) {
                lost.add(proxy.port);
            }
        }
        return lost;
    }

    /** Releases the lease of a closed proxy; nothing to do when the proxy is unknown or its lease is gone. */
    @Transactional
    boolean close(FrpInstance frps, String runId, String proxyName) {
        FrpProxy proxy = FrpProxy.find(frps.id(), runId, proxyName);
        if (proxy == null) {
            return false;
        }
        releaseQuietly(proxy, frps.gatewayId());
        proxy.delete();
        return true;
    }

    /**
     * A login that carries a run_id: frps has closed that run_id's previous control and every proxy of it
     * (server/service.go RegisterControl waits for the old control; control.go worker closes its proxies), so the
     * proxies recorded for it are gone from frps. Returns how many were released.
     */
    @Transactional
    int closeLogin(FrpInstance frps, String runId) {
        List<FrpProxy> proxies = FrpProxy.ofLogin(frps.id(), runId);
        for (FrpProxy proxy : proxies) {
            releaseQuietly(proxy, frps.gatewayId());
            proxy.delete();
        }
        return proxies.size();
    }

    /** Whether a proxy's lease is still the live one (frps should not let users in otherwise). */
    boolean live(FrpInstance frps, String runId, String proxyName) {
        FrpProxy proxy = FrpProxy.find(frps.id(), runId, proxyName);
        return proxy != null && live(proxy);
    }

    private boolean live(FrpProxy proxy) {
        return leases.isLive(proxy.accountId, proxy.port, proxy.epoch);
    }

    private void releaseQuietly(FrpProxy proxy, String gatewayId) {
        try {
            leases.release(proxy.accountId, proxy.port, proxy.epoch, gatewayId);
        } catch (LeaseFailure lostAlready) {
            // force-released or taken over since: this proxy has nothing left to release
        }
    }

    private static String frpcVersion(FrpSessions.Session session) {
        return session.frpcVersion().isEmpty() ? "frpc" : "frpc " + session.frpcVersion();
    }
}
