package io.secureconnect.common.oidc.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import io.secureconnect.proto.CallMetadata;
import java.util.concurrent.Executor;

/** Puts this service's OIDC access token on a gRPC call as {@code authorization: Bearer}; fails the call UNAVAILABLE
 * (fail closed, without a secret in the description) when no token can be had. */
final class BearerCallCredentials extends CallCredentials {


    private final ServiceTokens tokens;

    BearerCallCredentials(ServiceTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        tokens.accessToken().subscribe().with(token -> {
            Metadata headers = new Metadata();
            headers.put(CallMetadata.AUTHORIZATION, "Bearer " + token);
            applier.apply(headers);
        }, failure -> applier.fail(Status.UNAVAILABLE.withDescription(
                "could not get an OIDC access token (client credentials) for a call to " + requestInfo.getAuthority() + " ("
                        + failure.getClass().getSimpleName() + ")")));
    }
}
