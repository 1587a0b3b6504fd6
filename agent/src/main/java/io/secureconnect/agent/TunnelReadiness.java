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

/** Ready while the control channel is up: the gateway has welcomed this agent. */
@Readiness
@ApplicationScoped
public class TunnelReadiness implements HealthCheck {

    @Inject
    AgentLifecycle lifecycle;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("tunnel");
        Optional<Agent> agent = lifecycle.agent();
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
        return response.up()
                .withData("port", welcome.get().getPort())
                .withData("gateway", welcome.get().getGatewayId())
                .withData("tunnel", welcome.get().getTunnelId())
                .build();
    }
}
