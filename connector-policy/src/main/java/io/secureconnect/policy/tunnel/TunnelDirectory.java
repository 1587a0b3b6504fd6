package io.secureconnect.policy.tunnel;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.policy.config.PolicyConfig;
import io.secureconnect.proto.tunnelregistry.v1.FindTunnelsRequest;
import io.secureconnect.proto.tunnelregistry.v1.Tunnel;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/** Asks tunnel-registry which tunnels an account has and which gateway serves each. */
@ApplicationScoped
public class TunnelDirectory {

    private static final Logger LOG = Logger.getLogger(TunnelDirectory.class);

    @GrpcClient("registry")
    TunnelRegistryGrpc.TunnelRegistryBlockingStub registry;

    @Inject
    PolicyConfig config;

    /**
     * Every tunnel of the account (port 0), or the one on that port; fails with {@link PortOutsidePool} when the
     * registry says the port is not of its pool (the registry's setting is the one definition of the range), else
     * with {@link RegistryUnavailable}.
     */
    public List<Tunnel> tunnels(String accountId, int port) {
        try {
            return registry.withDeadlineAfter(config.dependencyTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .findTunnels(FindTunnelsRequest.newBuilder().setAccountId(accountId).setPort(port).build())
                    .getTunnelsList();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
                    && GrpcFailure.reason(e).filter("PORT_OUT_OF_RANGE"::equals).isPresent()) {
                throw new PortOutsidePool(port, GrpcFailure.fact(e, "first").orElse("?"),
                        GrpcFailure.fact(e, "last").orElse("?"));
            }
            LOG.warnf("tunnel-registry FindTunnels failed account=%s port=%d status=%s", accountId, port,
                    e.getStatus().getCode());
            throw new RegistryUnavailable("tunnel-registry did not answer (" + e.getStatus().getCode()
                    + "); tunnels cannot be looked up");
        }
    }

    /** tunnel-registry's answer: the port is not of its pool, first..last (its facts; "?" when it named none). */
    public static class PortOutsidePool extends RuntimeException {

        private final int port;
        private final String first;
        private final String last;

        public PortOutsidePool(int port, String first, String last) {
            super("port " + port + " is outside tunnel-registry's port pool " + first + "-" + last, null, false, false);
            this.port = port;
            this.first = first;
            this.last = last;
        }

        public int port() {
            return port;
        }

        public String first() {
            return first;
        }

        public String last() {
            return last;
        }
    }

    /** tunnel-registry could not be asked; callers fail closed. */
    public static class RegistryUnavailable extends RuntimeException {

        public RegistryUnavailable(String message) {
            super(message, null, false, false);
        }
    }
}
