package io.secureconnect.gateway.agentlink;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.proto.CallMetadata;

/**
 * Hands the agent's {@code x-api-key} call metadata (never logged) and its address to the service through the gRPC
 * context.
 */
final class ApiKeyInterceptor implements ServerInterceptor {

    static final Context.Key<String> API_KEY = Context.key("secureconnect-api-key");
    static final Context.Key<String> CLIENT_ADDRESS = Context.key("secureconnect-agent-address");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String key = headers.get(CallMetadata.API_KEY);
        Context context = Context.current().withValue(API_KEY, key == null ? "" : key).withValue(CLIENT_ADDRESS,
                ClientAddress.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        return Contexts.interceptCall(context, call, headers, next);
    }
}
