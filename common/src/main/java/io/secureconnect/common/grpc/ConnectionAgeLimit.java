package io.secureconnect.common.grpc;

import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Asks every gRPC connection to a service to move on (HTTP/2 GOAWAY) once it is
 * {@code secureconnect.grpc.max-connection-age} old, letting its calls finish for
 * {@code secureconnect.grpc.max-connection-age-grace}; the client opens a new connection at once, without failing a
 * call. Behind a TCP load balancer (a Kubernetes Service) that is what spreads long-lived client channels over new
 * replicas and takes them off one that is stopping: during the shutdown delay ({@code quarkus.shutdown.delay})
 * readiness is DOWN, the balancer opens no new connection to the replica, and every open one leaves within age +
 * grace while the replica still answers.
 */
@Singleton
public class ConnectionAgeLimit implements ServerBuilderCustomizer<VertxServerBuilder> {

    private final Duration age;
    private final Duration grace;

    public ConnectionAgeLimit(
            @ConfigProperty(name = "secureconnect.grpc.max-connection-age", defaultValue = "30s") Duration age,
            @ConfigProperty(name = "secureconnect.grpc.max-connection-age-grace", defaultValue = "10s")
            Duration grace) {
        this.age = age;
        this.grace = grace;
    }

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.nettyBuilder()
                .maxConnectionAge(age.toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionAgeGrace(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
}
