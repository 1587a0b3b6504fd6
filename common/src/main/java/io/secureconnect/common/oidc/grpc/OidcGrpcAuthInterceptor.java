package io.secureconnect.common.oidc.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
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
import io.vertx.core.Vertx;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Checks the caller of every gRPC call when {@code secureconnect.grpc.auth.required=true} (see
 * {@link GrpcAuthSettings}): an OIDC access token in {@code authorization: Bearer} metadata, verified without
 * blocking the event loop, whose roles allow the method. No token or a refused one: UNAUTHENTICATED; a role that
 * may not call the method: PERMISSION_DENIED; the provider unreachable: UNAVAILABLE (fail closed). Each with a
 * {@code secureconnect-reason} trailer. Off, it costs nothing.
 */
@ApplicationScoped
@GlobalInterceptor
@Priority(1000)
public class OidcGrpcAuthInterceptor implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger(OidcGrpcAuthInterceptor.class);
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<OidcIdentity> IDENTITY = Context.key("secureconnect-oidc-identity");
    private static final String BEARER = "bearer ";

    @Inject
    GrpcAuthSettings settings;

    @Inject
    BearerTokenVerifier verifier;

    private MethodPolicy policy;

    @PostConstruct
    void init() {
        policy = new MethodPolicy(settings.roles(), settings.openMethods());
    }

    /** The verified caller of the current gRPC call, or null (auth off, or an open method). */
    public static OidcIdentity current() {
        return IDENTITY.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (!settings.required() || policy.open(method)) {
            return next.startCall(call, headers);
        }
        String authorization = headers.get(AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            return refuse(call, GrpcFailure.of(Status.Code.UNAUTHENTICATED, "NO_CREDENTIALS",
                    "send an OIDC access token of the calling service as 'authorization: Bearer <token>'"));
        }
        String value = authorization.trim();
        if (value.length() <= BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, GrpcFailure.of(Status.Code.UNAUTHENTICATED, "MALFORMED_CREDENTIALS",
                    "the authorization metadata must be 'Bearer <OIDC access token>'"));
        }
        DeferredListener<Q> deferred = new DeferredListener<>();
        Context grpcContext = Context.current();
        io.vertx.core.Context vertxContext = Vertx.currentContext();
        verifier.verify(value.substring(BEARER.length()).trim(), "gRPC " + method).subscribe().with(
                identity -> onContext(vertxContext, () -> admit(call, headers, next, deferred, grpcContext, identity,
                        method)),
                failure -> onContext(vertxContext, () -> {
                    deferred.drop();
                    close(call, refusal(failure));
                }));
        return deferred;
    }

    private <Q, R> void admit(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next,
            DeferredListener<Q> deferred, Context grpcContext, OidcIdentity identity, String method) {
        if (!policy.allows(identity.roles(), method)) {
            LOG.infof("refused gRPC %s to %s: it holds none of the roles allowed to call it %s", method,
                    identity.name(), policy.rolesFor(method));
            deferred.drop();
            close(call, GrpcFailure.of(Status.Code.PERMISSION_DENIED, "METHOD_NOT_ALLOWED",
                    identity.name() + " may not call " + method + "; allowed roles: " + policy.rolesFor(method)));
            return;
        }
        LOG.debugf("gRPC %s called by %s", method, identity.name());
        deferred.start(Contexts.interceptCall(grpcContext.withValue(IDENTITY, identity), call, headers, next));
    }

    private static StatusRuntimeException refusal(Throwable failure) {
        if (failure instanceof BearerTokenVerifier.Refused refused) {
            return GrpcFailure.of(Status.Code.UNAUTHENTICATED, "TOKEN_REFUSED",
                    "the bearer token was refused: " + refused.getMessage());
        }
        if (failure instanceof BearerTokenVerifier.Unavailable) {
            return GrpcFailure.of(Status.Code.UNAVAILABLE, "OIDC_UNAVAILABLE",
                    "the OIDC provider could not be reached to verify the token; nothing is allowed until it can");
        }
        LOG.errorf("unexpected failure while verifying a gRPC bearer token: %s", failure.getClass().getSimpleName());
        return GrpcFailure.of(Status.Code.UNAVAILABLE, "OIDC_UNAVAILABLE", "the token could not be verified");
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
