package io.secureconnect.keyvalidator.ratelimit;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.common.identity.CallerContext;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.identity.PeerKind;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Names the caller of a gRPC call for the rate limiter: the authenticated peer (its identity, e.g.
 * {@code gateway/gw-1}), plus the end client it acts for when it forwards one ({@link ClientAddress}), so that one
 * agent guessing keys through a gateway locks out only itself, not the gateway. A forwarded address is trusted only
 * from an authenticated gateway or platform service; runs after {@link io.secureconnect.common.identity
 * .CallerAuthInterceptor}.
 */
@ApplicationScoped
@GlobalInterceptor
public class GrpcCaller implements ServerInterceptor {

    static final Context.Key<String> CALLER = Context.key("secureconnect-caller");

    /** The caller of the current call, or "unknown" outside one. */
    public static String current() {
        String caller = CALLER.get();
        return caller == null ? "unknown" : caller;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Optional<Peer> peer = CallerContext.peer();
        String forwarded = headers.get(ClientAddress.KEY);
        String caller;
        if (peer.isEmpty()) {
            String remote = ClientAddress.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
            caller = "grpc:" + (remote == null ? "unknown" : remote);
        } else if (forwarded == null || forwarded.isBlank() || peer.get().kind() == PeerKind.RUNNER) {
            caller = "grpc:" + peer.get();
        } else {
            caller = "grpc:" + peer.get() + "/"
                    + forwarded.substring(0, Math.min(forwarded.length(), ClientAddress.MAX_LENGTH));
        }
        return Contexts.interceptCall(Context.current().withValue(CALLER, caller), call, headers, next);
    }
}
