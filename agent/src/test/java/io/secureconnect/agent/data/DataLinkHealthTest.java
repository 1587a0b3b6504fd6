package io.secureconnect.agent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.agent.net.HostPort;
import java.net.ConnectException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DataLinkHealthTest {

    private static final HostPort OLD = new HostPort("lb.example", 8444);
    private static final HostPort NEW = new HostPort("lb.example", 8445);

    private final DataLinkHealth health = new DataLinkHealth();

    @Test
    void aFailedOpenIsAProblemUntilAnOpenSucceeds() {
        health.use(OLD);
        health.failed(OLD, new ConnectException("Connection refused"));
        assertEquals(Optional.of("cannot open a data connection to the gateway at " + OLD
                + ": ConnectException Connection refused"), health.problem());
        health.opened(OLD);
        assertEquals(Optional.empty(), health.problem());
    }

    @Test
    void afterAMoveTheOldGatewaysFailuresDoNotCount() {
        health.use(OLD);
        health.use(NEW);
        health.opened(NEW);
        health.failed(OLD, new ConnectException("Connection refused"));
        assertEquals(Optional.empty(), health.problem(), "a dead gateway's pool says nothing of the new one");
    }

    @Test
    void aMoveForgetsTheOldEndpointsProblem() {
        health.use(OLD);
        health.failed(OLD, new ConnectException("Connection refused"));
        health.use(NEW);
        assertEquals(Optional.empty(), health.problem());
        health.failed(NEW, new ConnectException("Connection refused"));
        assertTrue(health.problem().orElseThrow().contains(NEW.toString()), health.problem().toString());
    }

    @Test
    void theSameEndpointAgainKeepsItsProblem() {
        health.use(OLD);
        health.failed(OLD, new ConnectException("Connection refused"));
        health.use(OLD);
        assertTrue(health.problem().isPresent(), "a reconnect to the same gateway does not hide a broken data port");
    }
}
