package io.secureconnect.gateway.agentlink;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Hands the agent's {@code x-api-key} call metadata to the service through the gRPC context; never logged. */
final class ApiKeyInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> HEADER = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> API_KEY = Context.key("secureconnect-api-key");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String key = headers.get(HEADER);
        Context context = Context.current().withValue(API_KEY, key == null ? "" : key);
        return Contexts.interceptCall(context, call, headers, next);
    }
}
