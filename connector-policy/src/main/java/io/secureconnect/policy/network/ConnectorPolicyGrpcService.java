package io.secureconnect.policy.network;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.secureconnect.common.db.DatabaseUnavailable;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorPolicyGrpc;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * gRPC for runners (and account-scoped callers: {@link BuildNetworkCaller}); errors carry the secureconnect-reason
 * trailer and never a class name or a secret. A database that cannot be used is UNAVAILABLE / DATABASE_UNAVAILABLE
 * ({@link DatabaseUnavailable}): no route and no credential is given out that was not read from it.
 */
@GrpcService
public class ConnectorPolicyGrpcService extends ConnectorPolicyGrpc.ConnectorPolicyImplBase {

    private static final Logger LOG = Logger.getLogger(ConnectorPolicyGrpcService.class);

    @Inject
    BuildNetworkResolver resolver;

    @Inject
    BuildNetworkCaller callers;

    @Override
    @Blocking
    public void resolveBuildNetwork(ResolveBuildNetworkRequest request,
            StreamObserver<ResolveBuildNetworkResponse> responses) {
        try {
            // The request is checked first: authorization needs the connectors it names.
            String caller = callers.authorize(request.getAccountId(),
                    BuildNetworkRequestRules.check(request, Instant.now()));
            LOG.debugf("ResolveBuildNetwork account=%s by %s", request.getAccountId(), caller);
            responses.onNext(resolver.resolve(request));
            responses.onCompleted();
        } catch (StatusRuntimeException e) {
            responses.onError(e);
        } catch (RuntimeException e) {
            Optional<String> unavailable = DatabaseUnavailable.sqlState(e);
            if (unavailable.isPresent()) {
                LOG.warnf("ResolveBuildNetwork failed closed: database unavailable (SQLState %s) account=%s",
                        unavailable.get(), request.getAccountId());
                responses.onError(GrpcFailure.of(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE", "the connector"
                        + " database cannot be used now (SQLState " + unavailable.get() + "); retry",
                        Map.of("sql-state", unavailable.get())));
                return;
            }
            String errorId = UUID.randomUUID().toString();
            LOG.errorf(e, "ResolveBuildNetwork failed unexpectedly error=%s account=%s", errorId,
                    request.getAccountId());
            responses.onError(Status.INTERNAL.withDescription("unexpected error; quote error id " + errorId)
                    .asRuntimeException());
        }
    }
}
