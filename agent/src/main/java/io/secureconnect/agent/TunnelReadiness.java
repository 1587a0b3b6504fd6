package io.secureconnect.agent;

import io.secureconnect.agent.link.TunnelLink;
import io.secureconnect.proto.tunnel.v1.Welcome;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while the control channel is up (the gateway has welcomed this agent) and data connections to the gateway
 * open (or none was tried yet): an agent that reaches the agent port but not the data port serves no build.
 */
@Readiness
@ApplicationScoped
public class TunnelReadiness implements HealthCheck {

    @Inject
    AgentLifecycle lifecycle;

    @Override
    public HealthCheckResponse call() {
        return of(lifecycle.agent());
    }

    static HealthCheckResponse of(Optional<Agent> agent) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("tunnel");
        if (agent.isEmpty()) {
            return response.down().withData("state", "starting").build();
        }
        TunnelLink link = agent.get().link();
        response.withData("state", link.state().name())
                .withData("openConnections", agent.get().connections().count());
        Optional<Welcome> welcome = link.welcome();
        if (welcome.isEmpty()) {
            return response.down().build();
        }
        response.withData("port", welcome.get().getPort())
                .withData("gateway", welcome.get().getGatewayId())
                .withData("tunnel", welcome.get().getTunnelId());
        Optional<String> dataProblem = agent.get().dataHealth().problem();
        if (dataProblem.isPresent()) {
            return response.down().withData("dataConnections", dataProblem.get()).build();
        }
        return response.up().build();
    }
}
