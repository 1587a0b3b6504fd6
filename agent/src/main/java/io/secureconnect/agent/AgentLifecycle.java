package io.secureconnect.agent;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.CommandLineArguments;
import io.secureconnect.agent.config.AgentSettings;
import io.secureconnect.agent.config.BadSettingException;
import io.secureconnect.agent.config.SettingsParser;
import io.secureconnect.agent.dial.Resolver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Starts the agent with Quarkus and drains it on SIGTERM (Quarkus' ShutdownEvent). */
@ApplicationScoped
public class AgentLifecycle {

    private static final Logger LOG = Logger.getLogger(AgentLifecycle.class);
    public static final int EXIT_GAVE_UP = 1;

    @Inject
    @CommandLineArguments
    String[] args;

    private volatile Agent agent;
    private volatile AgentSettings settings;

    void onStart(@Observes StartupEvent event) throws Exception {
        try {
            settings = SettingsParser.parse(System.getenv(), List.of(args));
        } catch (BadSettingException e) {
            // AgentMain checked them already; only reachable when started another way.
            LOG.error(e.line());
            Quarkus.asyncExit(AgentMain.EXIT_BAD_SETTING);
            return;
        }
        agent = new Agent(settings, Resolver.SYSTEM, why -> Quarkus.asyncExit(EXIT_GAVE_UP));
        agent.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        Agent running = agent;
        if (running == null) {
            return;
        }
        try {
            running.drain(settings.drainTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.close();
        }
    }

    /** The running agent, for health checks. */
    public Optional<Agent> agent() {
        return Optional.ofNullable(agent);
    }
}
