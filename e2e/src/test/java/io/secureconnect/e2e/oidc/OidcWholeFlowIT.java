package io.secureconnect.e2e.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Shell;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorPolicyGrpc;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRoute;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import io.secureconnect.proto.connectorpolicy.v1.Route;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.Lease;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.RenewLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole flow of issue 7 with real Keycloak tokens (client credentials) against the packaged key-validator,
 * tunnel-registry and connector-policy, all with OIDC on and gRPC callers required to bring a token (registry and
 * policy carry their own client-credentials tokens on their calls): the automation client creates an API key, a
 * Git connector and turns Secure Connect on; the gateway client connects the account's tunnel (RegisterGateway +
 * AcquireLease, no data plane); the runner client resolves the build network. The same calls with another
 * account's token or without a token are refused.
 */
class OidcWholeFlowIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration START = Duration.ofSeconds(120);
    private static final String ACCOUNT = "default";
    private static final int TUNNEL_PORT = 30005;
    private static final String GATEWAY_ID = "gateway-oidc-e2e";
    private static final String CONNECTOR = "oidc_git_repo";
    private static final Path LOGS = Path.of("target", "e2e-oidc-flow", "logs").toAbsolutePath();

    private static KeycloakServer keycloak;
    private static final List<ManagedProcess> processes = new ArrayList<>();
    private static final List<String> databases = new ArrayList<>();
    private static final List<ManagedChannel> channels = new ArrayList<>();
    private static final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "oidc-e2e-gateway-keeper");
        thread.setDaemon(true);
        return thread;
    });
    private static int keyValidatorPort;
    private static int registryPort;
    private static int registryGrpcPort;
    private static int policyPort;

    @BeforeAll
    static void start() {
        keycloak = KeycloakServer.shared();
        keyValidatorPort = KeycloakServer.freePort();
        registryPort = KeycloakServer.freePort();
        registryGrpcPort = KeycloakServer.freePort();
        policyPort = KeycloakServer.freePort();
        Path pki = LOGS.getParent().resolve("pki");
        Shell.ok("bash", "-c", "source " + Path.of("..", "scripts", "lib", "pki.sh").toAbsolutePath().normalize()
                + " && pki_ensure " + pki);

        ManagedProcess keyValidator = service("key-validator", keyValidatorPort, Map.of(
                "SECURECONNECT_KEYS_PEPPER", UUID.randomUUID() + "-" + UUID.randomUUID(),
                "SECURECONNECT_KEYS_BOOTSTRAP_ENABLED", "false"));
        keyValidator.awaitHttpOk(health(keyValidatorPort), START);

        Map<String, String> grpcClients = Map.of(
                "QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_HOST", "127.0.0.1",
                "QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_PORT", String.valueOf(keyValidatorPort),
                "QUARKUS_GRPC_CLIENTS_REGISTRY_HOST", "127.0.0.1",
                "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", String.valueOf(registryGrpcPort));
        Map<String, String> registryEnv = with(with(grpcClients), caller("tunnel-registry"));
        registryEnv.put("QUARKUS_GRPC_SERVER_HOST", "127.0.0.1");
        registryEnv.put("QUARKUS_GRPC_SERVER_PORT", String.valueOf(registryGrpcPort));
        ManagedProcess registry = service("tunnel-registry", registryPort, registryEnv);
        Map<String, String> policyEnv = with(with(grpcClients), caller("connector-policy"));
        policyEnv.put("SECURECONNECT_POLICY_CREDENTIAL_SIGNING_KEY_FILE", pki.resolve("credential-signing.pem").toString());
        ManagedProcess policy = service("connector-policy", policyPort, policyEnv);
        registry.awaitHttpOk(health(registryPort), START);
        policy.awaitHttpOk(health(policyPort), START);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        keeper.shutdownNow();
        for (ManagedChannel channel : channels) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        for (String database : databases) {
            Shell.quietly("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                    "drop database if exists " + database + " with (force)");
        }
    }

    @Test
    void anAutomationClientSetsUpSecureConnectAndARunnerResolvesTheBuildNetworkWithKeycloakTokens() {
        String automation = keycloak.clientCredentialsToken("automation");

        Answer key = call(keyValidatorPort, "POST", "/api/v1/apikeys?accountIdentifier=" + ACCOUNT, automation,
                "{\"identifier\":\"flow_agent_key\",\"name\":\"agent key made with an OIDC token\","
                        + "\"apiKeyType\":\"SERVICE_ACCOUNT\",\"parentIdentifier\":\"flow_agent\"}");
        assertEquals(201, key.status(), key.body().toString());
        Answer token = call(keyValidatorPort, "POST", "/api/v1/apikeys/flow_agent_key/tokens?accountIdentifier="
                + ACCOUNT, automation, "{\"identifier\":\"t1\",\"name\":\"t1\"}");
        assertEquals(201, token.status(), token.body().toString());
        assertTrue(token.body().path("token").asText().startsWith("sat." + ACCOUNT + "."), token.status() + "");

        Answer connector = call(policyPort, "POST", "/api/v1/connectors?accountIdentifier=" + ACCOUNT, automation,
                connectorJson(CONNECTOR));
        assertEquals(201, connector.status(), connector.body().toString());
        Answer secureConnect = call(policyPort, "PUT", "/api/v1/connectors/" + CONNECTOR
                + "/secure-connect?accountIdentifier=" + ACCOUNT, automation, secureConnectJson());
        assertEquals(200, secureConnect.status(), secureConnect.body().toString());

        Lease lease = connectTunnel();
        assertEquals(TUNNEL_PORT, lease.getPort());

        ResolveBuildNetworkResponse network = policy(keycloak.clientCredentialsToken("runner"))
                .resolveBuildNetwork(resolveRequest("oidc-build-1"));
        assertEquals(TUNNEL_PORT, network.getTunnelPort(), network.toString());
        assertTrue(network.getHarnessHttpProxy().contains(":" + TUNNEL_PORT), "the proxy names port " + TUNNEL_PORT);
        assertEquals(1, network.getRoutesCount(), network.toString());
        ConnectorRoute route = network.getRoutes(0);
        assertEquals(CONNECTOR, route.getConnector().getIdentifier());
        assertEquals(Route.ROUTE_TUNNEL, route.getRoute());
        assertTrue(network.getHarnessGitProxy(), "a Git connector through the tunnel sets HARNESS_GIT_PROXY");

        String logs = logs();
        assertFalse(logs.contains(automation.substring(automation.lastIndexOf('.') + 1)), "no OIDC token is logged");
    }

    @Test
    void refusesTheSameRestCallsWithAnotherAccountsTokenWith403() {
        String other = keycloak.clientCredentialsToken("automation-other");
        assertRefused(403, "WRONG_ACCOUNT", call(keyValidatorPort, "POST", "/api/v1/apikeys?accountIdentifier="
                + ACCOUNT, other, "{\"identifier\":\"other_made\",\"name\":\"x\",\"apiKeyType\":\"SERVICE_ACCOUNT\","
                + "\"parentIdentifier\":\"other_sa\"}"));
        assertRefused(403, "WRONG_ACCOUNT", call(policyPort, "POST", "/api/v1/connectors?accountIdentifier=" + ACCOUNT,
                other, connectorJson("other_made")));
        assertRefused(403, "WRONG_ACCOUNT", call(policyPort, "PUT", "/api/v1/connectors/" + CONNECTOR
                + "/secure-connect?accountIdentifier=" + ACCOUNT, other, secureConnectJson()));
        assertEquals(404, call(policyPort, "GET", "/api/v1/connectors/other_made?accountIdentifier=" + ACCOUNT,
                keycloak.clientCredentialsToken("automation"), null).status(), "the refused create changed nothing");
    }

    @Test
    void refusesTheSameRestCallsWithoutATokenWith401() {
        assertRefused(401, "UNAUTHENTICATED", call(keyValidatorPort, "POST", "/api/v1/apikeys?accountIdentifier="
                + ACCOUNT, null, "{\"identifier\":\"anon_made\",\"name\":\"x\",\"apiKeyType\":\"SERVICE_ACCOUNT\","
                + "\"parentIdentifier\":\"anon_sa\"}"));
        assertRefused(401, "UNAUTHENTICATED", call(policyPort, "POST", "/api/v1/connectors?accountIdentifier="
                + ACCOUNT, null, connectorJson("anon_made")));
        assertRefused(401, "UNAUTHENTICATED", call(policyPort, "PUT", "/api/v1/connectors/" + CONNECTOR
                + "/secure-connect?accountIdentifier=" + ACCOUNT, null, secureConnectJson()));
    }

    @Test
    void refusesResolveBuildNetworkWithoutATokenAsUnauthenticated() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> policy(null).resolveBuildNetwork(resolveRequest("oidc-build-anonymous")));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertEquals("NO_CREDENTIALS", GrpcFailure.reason(e).orElseThrow());
    }

    @Test
    void refusesResolveBuildNetworkWithATokenWithoutTheRunnerRoleAsPermissionDenied() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> policy(keycloak.clientCredentialsToken("automation"))
                        .resolveBuildNetwork(resolveRequest("oidc-build-automation")));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertEquals("METHOD_NOT_ALLOWED", GrpcFailure.reason(e).orElseThrow());
    }

    /** Plays the gateway with the gateway client's token: registers it, heartbeats it, leases the port, renews it. */
    private static Lease connectTunnel() {
        TunnelRegistryGrpc.TunnelRegistryBlockingStub registry = TunnelRegistryGrpc.newBlockingStub(channel(registryGrpcPort))
                .withInterceptors(bearer(keycloak.clientCredentialsToken("gateway")));
        registry.withDeadlineAfter(20, TimeUnit.SECONDS).registerGateway(RegisterGatewayRequest.newBuilder()
                .setGateway(Gateway.newBuilder().setGatewayId(GATEWAY_ID).setAgentEndpoint("127.0.0.1:8443")
                        .setProxyHost("127.0.0.1").setVersion("e2e")).build());
        Lease lease = registry.withDeadlineAfter(20, TimeUnit.SECONDS).acquireLease(AcquireLeaseRequest.newBuilder()
                .setAccountId(ACCOUNT).setPort(TUNNEL_PORT).setApiKeyId("flow_agent_key").setGatewayId(GATEWAY_ID)
                .setAgentId("e2e-agent").setAgentHost("e2e-host").setAgentVersion("e2e").build()).getLease();
        keeper.scheduleAtFixedRate(() -> {
            try {
                registry.withDeadlineAfter(5, TimeUnit.SECONDS).heartbeatGateway(
                        HeartbeatGatewayRequest.newBuilder().setGatewayId(GATEWAY_ID).build());
                registry.withDeadlineAfter(5, TimeUnit.SECONDS).renewLease(RenewLeaseRequest.newBuilder()
                        .setAccountId(ACCOUNT).setPort(lease.getPort()).setEpoch(lease.getEpoch())
                        .setGatewayId(GATEWAY_ID).build());
            } catch (RuntimeException e) {
                System.err.println("gateway keep-alive failed: " + Status.fromThrowable(e));
            }
        }, 5, 5, TimeUnit.SECONDS);
        return lease;
    }

    private static ConnectorPolicyGrpc.ConnectorPolicyBlockingStub policy(String token) {
        ConnectorPolicyGrpc.ConnectorPolicyBlockingStub stub = ConnectorPolicyGrpc.newBlockingStub(channel(policyPort))
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        return token == null ? stub : stub.withInterceptors(bearer(token));
    }

    private static ResolveBuildNetworkRequest resolveRequest(String build) {
        return ResolveBuildNetworkRequest.newBuilder().setAccountId(ACCOUNT).setBuildId(build)
                .setBuildDeadline(Timestamp.newBuilder().setSeconds(Instant.now().plusSeconds(3600).getEpochSecond()))
                .addConnectors(ConnectorRef.newBuilder().setIdentifier(CONNECTOR)).build();
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static synchronized ManagedChannel channel(int port) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        channels.add(channel);
        return channel;
    }

    private static String connectorJson(String identifier) {
        return "{\"identifier\":\"" + identifier + "\",\"name\":\"" + identifier
                + "\",\"type\":\"Git\",\"spec\":{\"url\":\"https://git.private.example/app.git\"}}";
    }

    private static String secureConnectJson() {
        return "{\"enabled\":true,\"tunnelPort\":" + TUNNEL_PORT + "}";
    }

    private static void assertRefused(int status, String code, Answer answer) {
        assertEquals(status, answer.status(), answer.body().toString());
        assertEquals(code, answer.body().path("code").asText(), answer.body().toString());
    }

    /** OIDC on for REST and gRPC callers, and this service's own client credentials for its gRPC calls. */
    private static Map<String, String> caller(String clientId) {
        return Map.of(
                "QUARKUS_OIDC_CLIENT_CLIENT_ENABLED", "true",
                "QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL", keycloak.realmUrl(),
                "QUARKUS_OIDC_CLIENT_CLIENT_ID", clientId,
                "QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET", keycloak.clientSecret(clientId));
    }

    private static ManagedProcess service(String name, int port, Map<String, String> extraEnv) {
        String database = "sc_e2e_oidcflow_" + name.replace('-', '_') + "_" + UUID.randomUUID().toString().substring(0, 8);
        Shell.ok("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", "create database " + database);
        databases.add(database);
        Map<String, String> env = with(extraEnv, Map.of(
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", String.valueOf(port),
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/" + database,
                "QUARKUS_OIDC_TENANT_ENABLED", "true",
                "QUARKUS_OIDC_AUTH_SERVER_URL", keycloak.realmUrl(),
                "SECURECONNECT_GRPC_AUTH_REQUIRED", "true"));
        Path jar = Path.of("..", name, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().normalize();
        ManagedProcess process = ManagedProcess.start(name + "-oidc-flow", List.of("java", "-jar", jar.toString()),
                env, LOGS);
        processes.add(process);
        return process;
    }

    private static String logs() {
        StringBuilder all = new StringBuilder();
        processes.forEach(p -> all.append(p.logText()));
        return all.toString();
    }

    private static String health(int port) {
        return "http://127.0.0.1:" + port + "/q/health/ready";
    }

    @SafeVarargs
    private static Map<String, String> with(Map<String, String>... maps) {
        Map<String, String> merged = new HashMap<>();
        for (Map<String, String> map : maps) {
            merged.putAll(map);
        }
        return merged;
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer call(int port, String method, String path, String bearer, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(),
                    response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
