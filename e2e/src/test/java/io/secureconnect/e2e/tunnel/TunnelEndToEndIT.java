package io.secureconnect.e2e.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.common.credential.BuildCredentialCodec;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.e2e.fixture.CloudCalls;
import io.secureconnect.e2e.fixture.CloudSide;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Namespace;
import io.secureconnect.e2e.fixture.Payloads;
import io.secureconnect.e2e.fixture.PrivateSide;
import io.secureconnect.e2e.fixture.Runner;
import io.secureconnect.e2e.fixture.Shell;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The seed's promise, end to end: a build in the cloud reaches a server that only the customer's network can see,
 * through the agent's outbound tunnel, governed by the three services. Everything runs as the real packaged
 * applications; the networks are namespaces this test creates and removes (run as root).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelEndToEndIT {

    private static final String ACCOUNT = "default";
    private static final String GATEWAY_HOST = "gateway.e2e.test";
    private static final Duration AGENT_CONNECT = Duration.ofSeconds(30);

    private final Random random = new Random();
    // Three tunnels of the account, each on its own port of the pool, so that tests never share one.
    private final int tunnelPort = 30000 + random.nextInt(97);
    private final int restartPort = tunnelPort + 1;
    private final int revokePort = tunnelPort + 2;
    private Path work;
    private CloudSide cloud;
    private PrivateSide privateSide;
    private Namespace runnerNamespace;
    private Runner runner;
    private String agentKey;
    private ManagedProcess agent;
    private ResolveBuildNetworkResponse network;
    private CloudCalls calls;

    @BeforeAll
    void startTheSystem() throws Exception {
        String id = Integer.toHexString(random.nextInt(0x10000));
        int block = random.nextInt(32) * 8;
        work = Files.createDirectories(Path.of("target", "e2e-" + id)).toAbsolutePath();
        Path repo = Path.of("..").toAbsolutePath().normalize();

        cloud = CloudSide.start(repo, work, GATEWAY_HOST, List.of(tunnelPort, restartPort, revokePort));
        calls = new CloudCalls(cloud, ACCOUNT);
        privateSide = PrivateSide.start(Namespace.create("scp" + id, "203.0.113." + (block + 1),
                "203.0.113." + (block + 2)), work, repo, GATEWAY_HOST);
        runnerNamespace = Namespace.create("scr" + id, "203.0.113." + (block + 5), "203.0.113." + (block + 6));
        runnerNamespace.hosts(java.util.Map.of(GATEWAY_HOST, runnerNamespace.rootAddress()));
        runner = new Runner(runnerNamespace);

        agentKey = createAgentKey("e2e_agent");
        agent = startAgent("agent", tunnelPort, agentKey);
        createConnector("private_bitbucket", "Bitbucket", "https://" + PrivateSide.PRIVATE_HOST + "/scm/app.git",
                tunnelPort);
        createConnector("private_closed_port", "Git", "https://" + PrivateSide.PRIVATE_HOST + ":8443/x.git",
                tunnelPort);
        Files.write(privateSide.files.resolve("big.bin"), Payloads.bytes(50, 50 * 1024 * 1024));
        network = resolve("build-" + id, "private_bitbucket", "private_closed_port");
    }

    @AfterAll
    void stopTheSystem() {
        if (agent != null) {
            agent.close();
        }
        if (runnerNamespace != null) {
            runnerNamespace.close();
        }
        if (privateSide != null) {
            privateSide.close();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void theRunnerCannotReachThePrivateServersDirectly() {
        Shell.Result byAddress = runner.curl("--max-time", "3", "-k", "https://" + PrivateSide.PRIVATE_ADDRESS + "/");
        assertNotEquals(0, byAddress.exitCode(), byAddress.output());
        Shell.Result byName = runner.curl("--max-time", "3", "-k", "https://" + PrivateSide.PRIVATE_HOST + "/");
        assertEquals(6, byName.exitCode(), "the name must not even resolve: " + byName.output());
        Shell.Result services = runner.curl("--max-time", "3", "http://" + runnerNamespace.rootAddress() + ":"
                + cloud.keyValidatorPort + "/q/health");
        assertNotEquals(0, services.exitCode(), "the runner must not reach the control plane: " + services.output());
    }

    @Test
    void anOutsiderWithoutACertificateGetsNothingFromAnyGrpcPort() throws Exception {
        for (int port : List.of(cloud.keyValidatorGrpcPort, cloud.registryGrpcPort, cloud.policyGrpcPort)) {
            ManagedChannel anonymous = NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(
                    GrpcSslContexts.forClient().trustManager(cloud.pki.resolve("ca.pem").toFile()).build()).build();
            ManagedChannel plaintext = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                assertEquals(Status.Code.UNAUTHENTICATED, refusal(() -> tryAsOutsider(port, anonymous)),
                        "port " + port + " without a client certificate");
                assertEquals(Status.Code.UNAVAILABLE, refusal(() -> tryAsOutsider(port, plaintext)),
                        "port " + port + " without TLS");
            } finally {
                anonymous.shutdownNow();
                plaintext.shutdownNow();
            }
        }
    }

    @Test
    void resolveBuildNetworkGivesProxyVariablesAndTheAllowlist() {
        assertTrue(network.getHarnessHttpProxy().startsWith("http://"), "http proxy URL");
        assertTrue(network.getHarnessHttpsProxy().startsWith("https://"), "https proxy URL");
        assertTrue(network.getHarnessHttpsProxy().endsWith("@" + GATEWAY_HOST + ":" + tunnelPort),
                "proxy URL names the gateway and the tunnel port");
        assertTrue(network.getDestinationAllowlistList().contains(PrivateSide.PRIVATE_HOST + ":443"),
                network.getDestinationAllowlistList().toString());
        assertEquals(tunnelPort, network.getTunnelPort());
    }

    @Test
    void curlThroughTheHttpsProxyFetchesFiftyMegabytesIntact() {
        Path out = work.resolve("big.download");
        Shell.Result result = runner.curl("-o", out.toString(), "-w", "%{http_code}", "-x",
                network.getHarnessHttpsProxy(), "--proxy-cacert", cloud.pki.resolve("ca.pem").toString(),
                "--cacert", privateSide.ca.toString(), "https://" + PrivateSide.PRIVATE_HOST + "/files/big.bin");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().endsWith("200"), result.output());
        assertEquals(Payloads.sha256(Payloads.bytes(50, 50 * 1024 * 1024)), sha256(out));
    }

    @Test
    void gitClonesThroughTheHttpProxy() {
        Path clone = work.resolve("clone-" + random.nextInt(1000));
        Shell.Result result = runner.bash("GIT_SSL_CAINFO=" + privateSide.ca + " git -c http.proxy='"
                + network.getHarnessHttpProxy() + "' clone -q https://" + PrivateSide.PRIVATE_HOST
                + "/git/app.git " + clone + " && cat " + clone + "/README.md", 120);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("private code, reachable only through the tunnel"), result.output());
    }

    @Test
    void theProxyAnswersEveryRefusalWithItsOwnStatus() throws Exception {
        Path proxyCa = cloud.pki.resolve("ca.pem");
        String target = "https://" + PrivateSide.PRIVATE_HOST + "/";
        String noCredential = "http://" + GATEWAY_HOST + ":" + tunnelPort;
        assertEquals("407", runner.status(noCredential, proxyCa, privateSide.ca, target), "no credential");

        String forged = "http://build:" + BuildCredentialCodec.sign(credential(ACCOUNT, Instant.now().plusSeconds(600)),
                Ed25519Keys.generate().getPrivate()) + "@" + GATEWAY_HOST + ":" + tunnelPort;
        assertEquals("407", runner.status(forged, proxyCa, privateSide.ca, target), "signed by another key");

        java.security.PrivateKey signingKey = Ed25519Keys.readPrivate(cloud.pki.resolve("credential-signing.pem"));
        String expired = "http://build:" + BuildCredentialCodec.sign(credential(ACCOUNT, Instant.now().minusSeconds(5)),
                signingKey) + "@" + GATEWAY_HOST + ":" + tunnelPort;
        assertEquals("403", runner.status(expired, proxyCa, privateSide.ca, target), "expired credential");

        assertEquals("403", runner.status(network.getHarnessHttpProxy(), proxyCa, privateSide.ca,
                "https://" + PrivateSide.PRIVATE_HOST + ":444/"), "destination outside the build's allowlist");

        assertEquals("502", runner.status(network.getHarnessHttpProxy(), proxyCa, privateSide.ca,
                "https://" + PrivateSide.PRIVATE_HOST + ":8443/"), "nothing listens there: the agent cannot dial");

        String otherAccount = "http://build:" + BuildCredentialCodec.sign(credential("other_account",
                Instant.now().plusSeconds(600)), signingKey) + "@" + GATEWAY_HOST + ":" + tunnelPort;
        assertEquals("503", runner.status(otherAccount, proxyCa, privateSide.ca, target),
                "another account's build never reaches this account's tunnel");
    }

    @Test
    void twoHundredConcurrentConnectionsEachCarryTheirOwnPayload() {
        Path dir = work.resolve("concurrent-" + random.nextInt(1000));
        Shell.ok("mkdir", "-p", dir.toString());
        int size = 64 * 1024;
        String script = "for i in $(seq 1 200); do curl -sS --max-time 60 -o " + dir + "/$i -x '"
                + network.getHarnessHttpProxy() + "' --cacert " + privateSide.ca + " https://"
                + PrivateSide.PRIVATE_HOST + "/payload/$i/" + size + " & done; wait";
        Shell.Result result = runner.bash(script, 180);
        assertEquals(0, result.exitCode(), result.output());
        List<Integer> wrong = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            String expected = Payloads.sha256(Payloads.bytes(i, size));
            if (!expected.equals(sha256(dir.resolve(String.valueOf(i))))) {
                wrong.add(i);
            }
        }
        assertEquals(List.of(), wrong, "connections whose payload arrived wrong or not at all");
    }

    @Test
    void aKilledAgentMeans503AndItsRestartGetsTheSamePortBack() {
        Path proxyCa = cloud.pki.resolve("ca.pem");
        String target = "https://" + PrivateSide.PRIVATE_HOST + "/";
        String key = createAgentKey("e2e_restart");
        ManagedProcess first = startAgent("agent-restart-1", restartPort, key);
        createConnector("restart_repo", "Git", "https://" + PrivateSide.PRIVATE_HOST + "/git/app.git",
                restartPort);
        ResolveBuildNetworkResponse spare = resolve("build-restart", "restart_repo");
        assertEquals("200", runner.status(spare.getHarnessHttpProxy(), proxyCa, privateSide.ca, target));

        first.kill();
        long killed = System.nanoTime();
        awaitTrue(() -> "503".equals(runner.status(spare.getHarnessHttpProxy(), proxyCa, privateSide.ca, target)),
                Duration.ofSeconds(2), "new requests fail with 503 within 2 s of the agent's death");
        long refused = System.nanoTime();

        long restarting = System.nanoTime();
        ManagedProcess second = startAgent("agent-restart-2", restartPort, key);
        try {
            awaitTrue(() -> "200".equals(runner.status(spare.getHarnessHttpProxy(), proxyCa, privateSide.ca, target)),
                    Duration.ofSeconds(5).plus(AGENT_CONNECT), "the restarted agent serves the same port again");
            assertTrue(second.logText().contains("connected: port " + restartPort), second.logText());
            long restoredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarting);
            System.out.printf("agent killed -> 503 after %d ms; agent restarted -> 200 after %d ms (JVM start "
                    + "included)%n", TimeUnit.NANOSECONDS.toMillis(refused - killed), restoredMillis);
        } finally {
            second.close();
        }
    }

    @Test
    void revokingTheKeyClosesItsTunnelWithinTwoSeconds() {
        Path proxyCa = cloud.pki.resolve("ca.pem");
        String target = "https://" + PrivateSide.PRIVATE_HOST + "/";
        String key = createAgentKey("e2e_revoked");
        int port = revokePort;
        ManagedProcess revokedAgent = startAgent("agent-revoked", port, key);
        try {
            createConnector("revoked_repo", "Git", "https://" + PrivateSide.PRIVATE_HOST + "/git/app.git", port);
            ResolveBuildNetworkResponse build = resolve("build-revoked", "revoked_repo");
            awaitTrue(() -> "200".equals(runner.status(build.getHarnessHttpProxy(), proxyCa, privateSide.ca, target)),
                    AGENT_CONNECT, "the tunnel serves before the revocation");

            cloud.keys().ok("POST", "/api/v1/apikeys/e2e_revoked/tokens/t1/revoke?accountIdentifier=" + ACCOUNT, null);
            awaitTrue(() -> "503".equals(runner.status(build.getHarnessHttpProxy(), proxyCa, privateSide.ca, target)),
                    Duration.ofSeconds(2), "the revoked key's tunnel is closed within 2 s");
            revokedAgent.awaitLog("giving up", Duration.ofSeconds(5));
        } finally {
            revokedAgent.close();
        }
    }

    @Test
    void noSecretAppearsInAnyLog() {
        String logs = cloud.logs() + agent.logText();
        assertFalse(logs.contains(agentKey), "the agent's API key was logged");
        assertFalse(logs.contains(network.getHarnessHttpProxy().split("[:@]")[2]), "a build credential was logged");
    }

    private String createAgentKey(String keyIdentifier) {
        return calls.agentKey(keyIdentifier);
    }

    private ManagedProcess startAgent(String name, int port, String key) {
        ManagedProcess started = privateSide.startAgent(name, port, GATEWAY_HOST + ":" + cloud.agentEndpointPort, key,
                cloud.pki.resolve("ca.pem"), PrivateSide.PRIVATE_HOST);
        return started.awaitLog("connected: port " + port, AGENT_CONNECT);
    }

    private void createConnector(String identifier, String type, String url, int port) {
        calls.connector(identifier, type, url, port);
    }

    private ResolveBuildNetworkResponse resolve(String build, String... connectors) {
        return calls.resolve(build, connectors);
    }

    private static Status.Code refusal(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    /** The call an outsider would try first on each service's gRPC port. */
    private void tryAsOutsider(int port, ManagedChannel channel) {
        if (port == cloud.keyValidatorGrpcPort) {
            KeyValidatorGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).validateToken(
                    ValidateTokenRequest.newBuilder().setToken("pat.default.guess.secret").build());
        } else if (port == cloud.registryGrpcPort) {
            TunnelRegistryGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS).acquireLease(
                    AcquireLeaseRequest.newBuilder().setAccountId(ACCOUNT).setPort(0).setApiKeyId("made_up")
                            .setGatewayId(CloudSide.GATEWAY_ID).build());
        } else {
            calls.resolveOver(channel, "build-outsider", "private_bitbucket");
        }
    }

    private BuildCredential credential(String account, Instant expiresAt) {
        return new BuildCredential(account, "forged-build", tunnelPort,
                List.of(PrivateSide.PRIVATE_HOST + ":443"), expiresAt);
    }

    private static String sha256(Path file) {
        try {
            return Payloads.sha256(Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            return "missing: " + e.getMessage();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        do {
            if (condition.getAsBoolean()) {
                return;
            }
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not within " + within + ": " + what);
    }
}
