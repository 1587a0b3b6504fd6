package io.secureconnect.policy.network;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorPolicyGrpc;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * gRPC for runners (and account-scoped callers: {@link BuildNetworkCaller}); errors carry the secureconnect-reason trailer and never a class name or a secret. */
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
            String errorId = UUID.randomUUID().toString();
            LOG.errorf(e, "ResolveBuildNetwork failed unexpectedly error=%s account=%s", errorId,
                    request.getAccountId());
            responses.onError(Status.INTERNAL.withDescription("unexpected error; quote error id " + errorId)
                    .asRuntimeException());
        }
    }
}
