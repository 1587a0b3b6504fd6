package io.secureconnect.keyvalidator.ratelimit;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Names the caller of a gRPC call for the rate limiter: the peer's address, plus the end client's address when
 * a gateway forwards it in the {@code secureconnect-client-address} header (so that one agent guessing keys
 * through a gateway does not lock out the whole gateway).
 */
@ApplicationScoped
@GlobalInterceptor
public class GrpcCaller implements ServerInterceptor {

    public static final Metadata.Key<String> CLIENT_ADDRESS =
            Metadata.Key.of("secureconnect-client-address", Metadata.ASCII_STRING_MARSHALLER);
    static final Context.Key<String> CALLER = Context.key("secureconnect-caller");
    private static final int MAX_FORWARDED = 64;

    /** The caller of the current call, or "unknown" outside one. */
    public static String current() {
        String caller = CALLER.get();
        return caller == null ? "unknown" : caller;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        String peer = remote instanceof InetSocketAddress address && address.getAddress() != null
                ? address.getAddress().getHostAddress() : "unknown";
        String forwarded = headers.get(CLIENT_ADDRESS);
        String caller = forwarded == null || forwarded.isBlank() ? "grpc:" + peer
                : "grpc:" + peer + "/" + forwarded.substring(0, Math.min(forwarded.length(), MAX_FORWARDED));
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }
}
