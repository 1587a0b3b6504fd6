package io.secureconnect.common.oidc.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every gRPC call this service makes through a Quarkus {@code @GrpcClient} carries its own OIDC client-credentials
 * token ({@code quarkus.oidc-client.*}: client id and secret of its Keycloak client, mapped from
 * {@link ServiceTokenSettings}) when {@code quarkus.oidc-client.client-enabled=true}. A callee reads it when the call
 * brings no client certificate and its OIDC provider is configured
 * ({@link io.secureconnect.common.identity.CallerAuthInterceptor}). Off (the default), calls carry only the
 * certificate. When on, a call for which no token can be had fails UNAVAILABLE (fail closed).
 */
@ApplicationScoped
@GlobalInterceptor
public class OidcClientCredentialsInterceptor implements ClientInterceptor {

    @ConfigProperty(name = "quarkus.oidc-client.client-enabled", defaultValue = "true")
    boolean enabled;

    @Inject
    ServiceTokens tokens;

    private BearerCallCredentials credentials;

    @PostConstruct
    void init() {
        credentials = new BearerCallCredentials(tokens);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return next.newCall(method, enabled ? options.withCallCredentials(credentials) : options);
    }
}
