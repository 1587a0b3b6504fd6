package io.secureconnect.e2e.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.secureconnect.e2e.fixture.CloudSide;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What `docker compose up` does on its first and second start, without Docker (this machine has no engine): the
 * real key-validator writes its bootstrap token to a file instead of its log, the real deploy/compose/demo-setup.sh
 * makes the agent's key and the demo connector with it, and the real agent reads its key from API_KEY_FILE and
 * opens its tunnel. docker-compose.yml wires exactly these (DockerComposeTest).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeDemoSetupIT {

    private final Random random = new Random();
    private final int tunnelPort = 30000 + random.nextInt(100);
    private Path repo;
    private Path work;
    private Path tokenFile;
    private Path keyFile;
    private CloudSide cloud;
    private final List<ManagedProcess> agents = new ArrayList<>();

    @BeforeAll
    void startTheCloud() throws Exception {
        repo = Path.of("..").toAbsolutePath().normalize();
        work = Files.createDirectories(Path.of("target", "e2e-compose-" + Integer.toHexString(random.nextInt())))
                .toAbsolutePath();
        tokenFile = Files.createDirectories(work.resolve("bootstrap")).resolve("admin-token");
        keyFile = Files.createDirectories(work.resolve("agent-key")).resolve("api-key");
        cloud = CloudSide.start(repo, work, "localhost", List.of(tunnelPort), tokenFile);
    }

    @AfterAll
    void stopTheCloud() {
        agents.forEach(ManagedProcess::close);
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void theFirstStartMakesTheAgentsKeyOnceAndTheAgentOpensItsTunnelWithIt() throws Exception {
        String admin = Files.readString(tokenFile);
        assertTrue(admin.startsWith("sat.default."), "the bootstrap token is in the file");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
        assertFalse(cloud.logs().contains(admin), "the bootstrap token is not logged when it goes to a file");

        Shell.Result first = demoSetup(tokenFile);
        assertEquals(0, first.exitCode(), first.output());
        String agentKey = Files.readString(keyFile);
        assertTrue(agentKey.startsWith("sat.default."), "the agent's key is in its file");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertFalse(first.output().contains(agentKey) || first.output().contains(admin), "no token is printed");
        JsonNode connector = cloud.connectors().ok("GET", "/api/v1/connectors/private_web?accountIdentifier=default",
                null);
        assertTrue(connector.path("secureConnect").path("enabled").asBoolean(), "Secure Connect is on: " + connector);
        assertEquals(tunnelPort, connector.path("secureConnect").path("tunnelPort").asInt());

        Shell.Result second = demoSetup(tokenFile);
        assertEquals(0, second.exitCode(), second.output());
        assertTrue(second.output().contains("nothing to do"), second.output());
        assertEquals(agentKey, Files.readString(keyFile), "a second `up` reuses the key");

        ManagedProcess agent = ManagedProcess.start("agent-from-file", List.of("java", "-jar",
                repo.resolve("agent/target/agent-runner.jar").toString()), Map.of(
                        "REMOTE_PORT", String.valueOf(tunnelPort),
                        "REMOTE_SERVER", "127.0.0.1:" + cloud.agentEndpointPort,
                        "API_KEY_FILE", keyFile.toString(),
                        "GATEWAY_CA", cloud.pki.resolve("ca.pem").toString(),
                        "ALLOW", "private-web:80",
                        "QUARKUS_HTTP_PORT", "0"), work.resolve("logs"));
        agents.add(agent);
        agent.awaitLog("connected: port " + tunnelPort, Duration.ofSeconds(60));
        assertFalse(agent.logText().contains(agentKey), "the agent never logs its key");
    }

    @Test
    void withoutTheBootstrapTokenTheJobFailsInOneLineAndWritesNothing() throws Exception {
        Path missing = work.resolve("nowhere").resolve("admin-token");
        Path otherKeyFile = work.resolve("agent-key").resolve("other-api-key");
        Shell.Result result = Shell.run(List.of("env", "KEY_VALIDATOR=http://127.0.0.1:" + cloud.keyValidatorPort,
                "BOOTSTRAP_TOKEN_FILE=" + missing, "KEY_FILE=" + otherKeyFile, "sh",
                repo.resolve("deploy/compose/demo-setup.sh").toString()), 60);
        assertEquals(1, result.exitCode());
        assertEquals("demo-setup: " + missing + " is missing or empty: key-validator writes it only on its first"
                + " start against an empty database; remove the volumes (docker compose down -v) to start over",
                result.output().trim());
        assertFalse(Files.exists(otherKeyFile));
    }

    @Test
    void anAgentWhoseKeyFileIsMissingSaysSoInOneLineAndExitsWithStatusTwo() {
        Path missing = work.resolve("agent-key").resolve("missing");
        Shell.Result result = Shell.run(List.of("env", "-u", "API_KEY", "REMOTE_PORT=" + tunnelPort,
                "REMOTE_SERVER=127.0.0.1:" + cloud.agentEndpointPort, "API_KEY_FILE=" + missing, "java", "-jar",
                repo.resolve("agent/target/agent-runner.jar").toString()), 60);
        assertEquals(2, result.exitCode(), result.output());
        assertEquals("API_KEY_FILE=" + missing + ": no such file; it must hold the agent's API key",
                result.output().trim());
    }

    private Shell.Result demoSetup(Path bootstrapTokenFile) {
        return Shell.run(List.of("env", "KEY_VALIDATOR=http://127.0.0.1:" + cloud.keyValidatorPort,
                "CONNECTOR_POLICY=http://127.0.0.1:" + cloud.policyPort, "BOOTSTRAP_TOKEN_FILE=" + bootstrapTokenFile,
                "KEY_FILE=" + keyFile, "DEMO_TUNNEL_PORT=" + tunnelPort, "sh",
                repo.resolve("deploy/compose/demo-setup.sh").toString()), 60);
    }
}
