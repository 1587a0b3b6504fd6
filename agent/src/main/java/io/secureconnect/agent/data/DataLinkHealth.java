package io.secureconnect.agent.data;

import io.secureconnect.agent.net.HostPort;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Whether this agent can open data connections to the gateway's data endpoint. Every open, parked or per dial,
 * reports here: the first failure after a success (or at start) is said in one WARN line, the recovery in one INFO
 * line, and while it fails the agent reports not ready and the gateway answers builds 502 DATA_CONNECTION_FAILED.
 * The control channel can be up meanwhile: it may reach the agent port by a route the data port lacks.
 */
public final class DataLinkHealth {

    private static final Logger LOG = Logger.getLogger(DataLinkHealth.class);

    private final AtomicReference<String> problem = new AtomicReference<>();
    private final AtomicReference<HostPort> current = new AtomicReference<>();

    /**
     * The data endpoint of the control stream now open. From here on only opens to it count: a previous gateway's
     * pool may still be failing to reach its dead endpoint, which says nothing about this one. A new endpoint starts
     * with no problem known.
     */
    public void use(HostPort endpoint) {
        if (!endpoint.equals(current.getAndSet(endpoint))) {
            problem.set(null);
        }
    }

    /** A data connection was opened (TLS handshake done). */
    public void opened(HostPort endpoint) {
        if (stale(endpoint)) {
            return;
        }
        if (problem.getAndSet(null) != null) {
            LOG.infof("data connections to the gateway at %s work again", endpoint);
        }
    }

    /** Opening one failed (the name did not resolve, the connect or the TLS handshake failed). */
    public void failed(HostPort endpoint, Throwable cause) {
        if (stale(endpoint)) {
            return;
        }
        String why = "cannot open a data connection to the gateway at " + endpoint + ": " + describe(cause);
        if (problem.getAndSet(why) == null) {
            LOG.warnf("%s; builds through this tunnel get 502 DATA_CONNECTION_FAILED until it can (the agent dials"
                    + " the data port at REMOTE_SERVER's host unless the gateway names another, and checks the"
                    + " gateway's certificate against that name)", why);
        }
    }

    private boolean stale(HostPort endpoint) {
        HostPort now = current.get();
        return now != null && !now.equals(endpoint);
    }

    /** Why data connections fail now; empty while they work (or none was tried yet). */
    public Optional<String> problem() {
        return Optional.ofNullable(problem.get());
    }

    /** The innermost cause, e.g. the certificate check under a TLS handshake failure. */
    public static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : " " + root.getMessage();
        return root.getClass().getSimpleName() + message;
    }
}
