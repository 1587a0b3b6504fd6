package io.secureconnect.common.identity;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.oidc.BearerTokenVerifier;
import io.secureconnect.common.oidc.OidcIdentity;
import io.secureconnect.proto.CallMetadata;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jboss.logging.Logger;

/**
 * Establishes who calls every gRPC method and refuses who may not, by the service's {@link GrpcAccessPolicy}.
 * Always on: there is no setting that turns it off. The caller is, in this order:
 * <ol>
 * <li>the {@link Peer} its client certificate names (TLS verified it against the deployment's CA);</li>
 * <li>with OIDC configured, the {@link Peer} an {@code authorization: Bearer} client-credentials token names
 * ({@link OidcPeers}), or, where the method admits accounts, the token's account identity;</li>
 * <li>where the method admits accounts, an {@code x-api-key} token, which the method checks itself.</li>
 * </ol>
 * Nothing (or a certificate that names no identity): UNAUTHENTICATED; an identity the method does not admit:
 * PERMISSION_DENIED; the OIDC provider unreachable: UNAVAILABLE (fail closed). Each with a
 * {@code secureconnect-reason} trailer. Only {@code grpc.health.v1.Health} is open to anonymous callers.
 */
@ApplicationScoped
@GlobalInterceptor
@Priority(1000)
public class CallerAuthInterceptor implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger(CallerAuthInterceptor.class);
    static final String OPEN_SERVICE = "grpc.health.v1.Health/";
    private static final String BEARER = "bearer ";

    @Inject
    Instance<GrpcAccessPolicy> policy;

    @Inject
    BearerTokenVerifier verifier;

    private Map<String, Rule> rules;

    /** The service's policy; a process that declares none (the gateway serves no Quarkus gRPC) admits nobody. */
    private Map<String, Rule> rules() {
        if (rules == null) {
            rules = policy.isResolvable() ? Map.copyOf(policy.get().rules()) : Map.of();
        }
        return rules;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (method.startsWith(OPEN_SERVICE)) {
            return next.startCall(call, headers);
        }
        Rule rule = rules().getOrDefault(method, new Rule(java.util.Set.of(), false, false, false));
        Certificate[] chain = peerCertificates(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
        if (chain != null) {
            Optional<Peer> peer = chain[0] instanceof X509Certificate x509 ? Peer.of(x509) : Optional.empty();
            if (peer.isEmpty()) {
                return refuse(call, GrpcFailure.of(Status.Code.UNAUTHENTICATED, "NO_IDENTITY",
                        "the client certificate names no identity: it needs exactly one subject alternative name "
                                + Peer.URI_PREFIX + "<service|gateway|runner>/<name>"));
            }
            return admitPeer(call, headers, next, rule, peer.get(), method);
        }
        String authorization = headers.get(CallMetadata.AUTHORIZATION);
        if (authorization != null && !authorization.isBlank()) {
            return bearer(call, headers, next, rule, authorization.trim(), method);
        }
        String apiKey = headers.get(CallMetadata.API_KEY);
        if (apiKey != null && !apiKey.isBlank() && rule.account()) {
            return Contexts.interceptCall(Context.current().withValue(CallerContext.API_KEY, apiKey.trim())
                    .withValue(CallerContext.CLIENT, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)), call,
                    headers, next);
        }
        return refuse(call, GrpcFailure.of(Status.Code.UNAUTHENTICATED, "NO_CREDENTIALS",
                method + " may be called by " + rule.describe() + "; present a client certificate of the "
                        + "deployment's CA" + (rule.account() ? ", or x-api-key / authorization: Bearer" : "")
                        + (verifier.enabled() ? " (or an OIDC client-credentials token)" : "")));
    }

    private <Q, R> ServerCall.Listener<Q> admitPeer(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next, Rule rule, Peer peer, String method) {
        if (!rule.admits(peer)) {
            LOG.infof("refused gRPC %s to %s: it may be called by %s", method, peer, rule.describe());
            return refuse(call, GrpcFailure.of(Status.Code.PERMISSION_DENIED, "METHOD_NOT_ALLOWED",
                    peer + " may not call " + method + "; it may be called by " + rule.describe()));
        }
        return Contexts.interceptCall(Context.current().withValue(CallerContext.PEER, peer), call, headers, next);
    }

    private <Q, R> ServerCall.Listener<Q> bearer(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next, Rule rule, String authorization, String method) {
        if (authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, GrpcFailure.of(Status.Code.UNAUTHENTICATED, "MALFORMED_CREDENTIALS",
                    "the authorization metadata must be 'Bearer <OIDC access token>'"));
        }
        DeferredListener<Q> deferred = new DeferredListener<>();
        Context grpcContext = Context.current();
        io.vertx.core.Context vertxContext = Vertx.currentContext();
        verifier.verify(authorization.substring(BEARER.length()).trim(), "gRPC " + method).subscribe().with(
                identity -> onContext(vertxContext, () -> {
                    Optional<StatusRuntimeException> refusal = refusal(rule, identity, method);
                    if (refusal.isPresent()) {
                        deferred.drop();
                        close(call, refusal.get());
                        return;
                    }
                    Context context = OidcPeers.peer(identity)
                            .map(peer -> grpcContext.withValue(CallerContext.PEER, peer))
                            .orElseGet(() -> grpcContext.withValue(CallerContext.ACCOUNT_TOKEN, identity));
                    deferred.start(Contexts.interceptCall(context, call, headers, next));
                }),
                failure -> onContext(vertxContext, () -> {
                    deferred.drop();
                    close(call, verificationFailure(failure));
                }));
        return deferred;
    }

    /** Why a verified token may not call the method, if it may not. */
    static Optional<StatusRuntimeException> refusal(Rule rule, OidcIdentity identity, String method) {
        Optional<Peer> peer = OidcPeers.peer(identity);
        if (peer.isPresent()) {
            return rule.admits(peer.get()) ? Optional.empty() : Optional.of(GrpcFailure.of(
                    Status.Code.PERMISSION_DENIED, "METHOD_NOT_ALLOWED",
                    peer.get() + " may not call " + method + "; it may be called by " + rule.describe()));
        }
        if (OidcPeers.claimsPeer(identity)) {
            return Optional.of(GrpcFailure.of(Status.Code.UNAUTHENTICATED, "NO_IDENTITY",
                    "the token's roles name no single machine identity (a " + OidcPeers.GATEWAY_ROLE
                            + " token needs a " + OidcPeers.GATEWAY_ID_CLAIM + " claim)"));
        }
        if (!rule.account()) {
            return Optional.of(GrpcFailure.of(Status.Code.PERMISSION_DENIED, "METHOD_NOT_ALLOWED",
                    identity.name() + " may not call " + method + "; it may be called by " + rule.describe()));
        }
        return Optional.empty();
    }

    private static Certificate[] peerCertificates(SSLSession session) {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain == null || chain.length == 0 ? null : chain;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static StatusRuntimeException verificationFailure(Throwable failure) {
        if (failure instanceof BearerTokenVerifier.Refused refused) {
            return GrpcFailure.of(Status.Code.UNAUTHENTICATED, "TOKEN_REFUSED",
                    "the bearer token was refused: " + refused.getMessage());
        }
        if (!(failure instanceof BearerTokenVerifier.Unavailable)) {
            LOG.errorf("unexpected failure while verifying a gRPC bearer token: %s",
                    failure.getClass().getSimpleName());
        }
        return GrpcFailure.of(Status.Code.UNAVAILABLE, "OIDC_UNAVAILABLE",
                "the OIDC provider could not be reached to verify the token; nothing is allowed until it can");
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, StatusRuntimeException failure) {
        close(call, failure);
        return new ServerCall.Listener<>() {
        };
    }

    private static void close(ServerCall<?, ?> call, StatusRuntimeException failure) {
        Metadata trailers = failure.getTrailers() == null ? new Metadata() : failure.getTrailers();
        call.close(failure.getStatus(), trailers);
    }

    private static void onContext(io.vertx.core.Context context, Runnable action) {
        if (context == null || Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }
}
