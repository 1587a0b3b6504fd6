package io.secureconnect.gateway.runtime;

import io.secureconnect.gateway.registry.GatewayRegistration;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when every listener is bound and tunnel-registry knows this gateway (agents are refused until then). */
@Readiness
@Singleton
public class GatewayReadiness implements HealthCheck {

    private final GatewayLifecycle lifecycle;
    private final GatewayRegistration registration;

    public GatewayReadiness(GatewayLifecycle lifecycle, GatewayRegistration registration) {
        this.lifecycle = lifecycle;
        this.registration = registration;
    }

    @Override
    public HealthCheckResponse call() {
        GatewayLifecycle.Ports ports = lifecycle.ports();
        return HealthCheckResponse.named("gateway")
                .status(ports != null && registration.registered())
                .withData("listening", ports != null)
                .withData("registered", registration.registered())
                .build();
    }
}
