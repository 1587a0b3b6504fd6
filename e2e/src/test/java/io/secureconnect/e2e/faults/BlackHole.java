package io.secureconnect.e2e.faults;

import io.secureconnect.e2e.fixture.Namespace;
import io.secureconnect.e2e.fixture.Shell;

/**
 * The link between a namespace and the root namespace, silently black-holed: a {@code blackhole} queueing discipline
 * on both ends of its veth drops every packet either way (no RST, no ICMP, and the sender's send succeeds), as a
 * firewall or NAT that forgets a connection does. This kernel has no netem and there is no iptables; the blackhole
 * qdisc is plain tc. {@link #close} gives the link back, also when the test failed.
 */
final class BlackHole implements AutoCloseable {

    private final Namespace namespace;

    private BlackHole(Namespace namespace) {
        this.namespace = namespace;
    }

    /** Drops everything on {@code namespace}'s link from now on, until closed. */
    static BlackHole on(Namespace namespace) {
        BlackHole hole = new BlackHole(namespace);
        try {
            Shell.ok("ip", "netns", "exec", namespace.name(), "tc", "qdisc", "add", "dev", namespace.innerLink(),
                    "root", "blackhole");
            Shell.ok("tc", "qdisc", "add", "dev", namespace.rootLink(), "root", "blackhole");
            return hole;
        } catch (RuntimeException e) {
            hole.close();
            throw e;
        }
    }

    /** Back to the links' default queueing: packets flow again. */
    @Override
    public void close() {
        Shell.quietly("ip", "netns", "exec", namespace.name(), "tc", "qdisc", "del", "dev", namespace.innerLink(),
                "root");
        Shell.quietly("tc", "qdisc", "del", "dev", namespace.rootLink(), "root");
    }
}
