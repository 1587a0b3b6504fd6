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
import io.secureconnect.proto.CallMetadata;
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

    private static final Context.Key<String> FORWARDED = Context.key("secureconnect-forwarded-client");
    private static final Context.Key<String> REMOTE = Context.key("secureconnect-remote-address");

    /**
     * The caller of the current call, or "unknown" outside one. Read in the method, when every interceptor has run:
     * the peer {@link io.secureconnect.common.identity.CallerAuthInterceptor} established, whatever their order.
     */
    public static String current() {
        Optional<Peer> peer = CallerContext.peer();
        String forwarded = FORWARDED.get();
        if (peer.isEmpty()) {
            String remote = REMOTE.get();
            return "grpc:" + (remote == null ? "unknown" : remote);
        }
        if (forwarded == null || forwarded.isBlank() || peer.get().kind() == PeerKind.RUNNER) {
            return "grpc:" + peer.get();
        }
        int length = Math.min(forwarded.length(), ClientAddress.MAX_LENGTH);
        return "grpc:" + peer.get() + "/" + forwarded.substring(0, length);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        Context context = Context.current().withValue(FORWARDED, headers.get(CallMetadata.CLIENT_ADDRESS))
                .withValue(REMOTE, ClientAddress.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        return Contexts.interceptCall(context, call, headers, next);
    }
}
