package io.secureconnect.e2e.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorPolicyGrpc;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRoute;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import io.secureconnect.proto.connectorpolicy.v1.Route;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.tunnelregistry.v1.FindTunnelsRequest;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.proto.tunnelregistry.v1.TunnelStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole flow with real Keycloak tokens, every process configured exactly as deploy/keycloak/README.md says
 * ({@link OidcCloud}): key-validator, tunnel-registry and connector-policy with OIDC on, and tunnel-registry,
 * connector-policy and the real gateway carrying their own client-credentials tokens. The automation client creates
 * an API key, a Git connector and turns Secure Connect on; the real agent connects through the real gateway; a
 * runner, with no certificate and only its Keycloak token over TLS, resolves the build network. Another account's
 * token, a token without the permission and no token are refused; each service client's token names its identity.
 */
class OidcWholeFlowIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String ACCOUNT = "default";
    private static final String CONNECTOR = "oidc_git_repo";
    private static final Duration AGENT_CONNECT = Duration.ofSeconds(60);

    private static KeycloakServer keycloak;
    private static OidcCloud cloud;
    private static OidcCloud.Gateway gateway;
    /** A second gateway, set up as the README says for a gateway with a client of its own, unknown to Keycloak. */
    private static OidcCloud.Gateway refused;

    @BeforeAll
    static void start() {
        keycloak = KeycloakServer.shared();
        cloud = new OidcCloud(keycloak, "e2e-oidc-flow");
        cloud.startKeyValidator().awaitHttpOk(OidcCloud.health(cloud.keyValidatorPort), OidcCloud.START);
        ManagedProcess registry = cloud.startRegistry();
        ManagedProcess policy = cloud.startPolicy();
        registry.awaitHttpOk(OidcCloud.health(cloud.registryPort), OidcCloud.START);
        policy.awaitHttpOk(OidcCloud.health(cloud.policyPort), OidcCloud.START);
        // The realm's gateway client names this gateway (its token's gateway_id claim).
        gateway = cloud.startGateway(keycloak.hardcodedClaim("gateway", "gateway_id"), "gateway",
                keycloak.clientSecret("gateway"));
        refused = cloud.startGateway("gateway-oidc-no-client", "no-such-gateway-client",
                keycloak.clientSecret("gateway"));
        gateway.process.awaitHttpOk(OidcCloud.health(gateway.httpPort), OidcCloud.START);
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void automationSetsUpSecureConnectTheAgentConnectsThroughTheGatewayAndARunnerResolvesWithItsToken() {
        String automation = keycloak.clientCredentialsToken("automation");
        String agentKey = createAgentKey(automation, "flow_agent_key");
        Answer connector = call(cloud.policyPort, "POST", "/api/v1/connectors?accountIdentifier=" + ACCOUNT, automation,
                connectorJson(CONNECTOR));
        assertEquals(201, connector.status(), connector.body().toString());
        Answer secureConnect = call(cloud.policyPort, "PUT", "/api/v1/connectors/" + CONNECTOR
                + "/secure-connect?accountIdentifier=" + ACCOUNT, automation, secureConnectJson());
        assertEquals(200, secureConnect.status(), secureConnect.body().toString());

        // The real gateway validates the agent's key at key-validator and leases the port at tunnel-registry, over
        // TLS with its certificate and its own client-credentials token.
        ManagedProcess agent = cloud.startAgent("agent-oidc-flow", gateway, agentKey);
        agent.awaitLog("connected: port " + gateway.tunnelPort, AGENT_CONNECT);
        Answer gateways = call(cloud.registryPort, "GET", "/api/v1/gateways", automation, null);
        assertEquals(200, gateways.status(), gateways.body().toString());
        assertTrue(gateways.body().toString().contains(gateway.id), gateways.body().toString());

        ResolveBuildNetworkResponse network = policy(keycloak.clientCredentialsToken("runner"))
                .resolveBuildNetwork(resolveRequest("oidc-build-1"));
        assertEquals(gateway.tunnelPort, network.getTunnelPort(), network.toString());
        assertTrue(network.getHarnessHttpProxy().contains("@localhost:" + gateway.tunnelPort),
                network.getHarnessHttpProxy().replaceAll("//[^@]*@", "//<credential>@"));
        assertEquals(1, network.getRoutesCount(), network.toString());
        ConnectorRoute route = network.getRoutes(0);
        assertEquals(CONNECTOR, route.getConnector().getIdentifier());
        assertEquals(Route.ROUTE_TUNNEL, route.getRoute(), "the tunnel the real gateway leased serves the build");
        assertTrue(network.getHarnessGitProxy(), "a Git connector through the tunnel sets HARNESS_GIT_PROXY");

        String logs = cloud.logs();
        assertFalse(logs.contains(automation.substring(automation.lastIndexOf('.') + 1)), "no OIDC token is logged");
        assertFalse(logs.contains(agentKey), "no API key is logged");
        assertFalse(logs.contains(keycloak.clientSecret("gateway")), "no client secret is logged");
    }

    @Test
    void refusesResolveBuildNetworkWithAnotherAccountsTokenAsWrongAccount() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> policy(keycloak.clientCredentialsToken("automation-other"))
                        .resolveBuildNetwork(resolveRequest("oidc-build-other-account")));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertEquals("WRONG_ACCOUNT", GrpcFailure.reason(e).orElseThrow());
    }

    @Test
    void refusesResolveBuildNetworkWithoutATokenAsUnauthenticated() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> policy(null).resolveBuildNetwork(resolveRequest("oidc-build-anonymous")));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertEquals("NO_CREDENTIALS", GrpcFailure.reason(e).orElseThrow());
    }

    @Test
    void refusesResolveBuildNetworkWithAnAccountTokenWithoutCoreConnectorAccess() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> policy(keycloak.clientCredentialsToken("automation"))
                        .resolveBuildNetwork(resolveRequest("oidc-build-automation")));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertEquals("MISSING_PERMISSION", GrpcFailure.reason(e).orElseThrow());
    }

    @Test
    void eachServiceClientsTokenIsTheIdentityItsRolesNameAtTheServicesItCalls() {
        // tunnel-registry's token at key-validator: service/tunnel-registry may validate (this key is unknown).
        assertFalse(KeyValidatorGrpc.newBlockingStub(cloud.tlsChannel(cloud.keyValidatorGrpcPort))
                .withInterceptors(OidcCloud.bearer(keycloak.clientCredentialsToken("tunnel-registry")))
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .validateToken(ValidateTokenRequest.newBuilder().setToken("pat.default.unknown.x").build()).getValid());
        // connector-policy's token at tunnel-registry: service/connector-policy may find tunnels.
        TunnelRegistryGrpc.newBlockingStub(cloud.tlsChannel(cloud.registryGrpcPort))
                .withInterceptors(OidcCloud.bearer(keycloak.clientCredentialsToken("connector-policy")))
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .findTunnels(FindTunnelsRequest.newBuilder().setAccountId("oidc_nobody").build());
        // The gateway client's token is the gateway its gateway_id claim names, and only that gateway.
        TunnelRegistryGrpc.TunnelRegistryBlockingStub asGateway = TunnelRegistryGrpc.newBlockingStub(
                cloud.tlsChannel(cloud.registryGrpcPort))
                .withInterceptors(OidcCloud.bearer(keycloak.clientCredentialsToken("gateway")));
        assertTrue(asGateway.withDeadlineAfter(20, TimeUnit.SECONDS).heartbeatGateway(
                HeartbeatGatewayRequest.newBuilder().setGatewayId(gateway.id).build()).hasExpiresAt());
        StatusRuntimeException mismatch = assertThrows(StatusRuntimeException.class, () -> asGateway
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .heartbeatGateway(HeartbeatGatewayRequest.newBuilder().setGatewayId("another-gateway").build()));
        assertEquals(Status.Code.PERMISSION_DENIED, mismatch.getStatus().getCode());
        assertEquals("GATEWAY_MISMATCH", GrpcFailure.reason(mismatch).orElseThrow());
        // The runner's token is no service: it may not find tunnels.
        StatusRuntimeException runner = assertThrows(StatusRuntimeException.class, () -> TunnelRegistryGrpc
                .newBlockingStub(cloud.tlsChannel(cloud.registryGrpcPort))
                .withInterceptors(OidcCloud.bearer(keycloak.clientCredentialsToken("runner")))
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .findTunnels(FindTunnelsRequest.newBuilder().setAccountId(ACCOUNT).build()));
        assertEquals(Status.Code.UNAUTHENTICATED, runner.getStatus().getCode(),
                "the runner's token is not for tunnel-registry's audience: " + runner.getStatus());
        assertEquals("TOKEN_REFUSED", GrpcFailure.reason(runner).orElseThrow());
    }

    @Test
    void aGatewayThatKeycloakGivesNoTokenFailsClosed() {
        // The documented settings really reach the gateway: a client Keycloak does not know gets no token, and then
        // no call goes out, although the gateway's certificate alone would be admitted.
        refused.process.awaitLog("could not get an OIDC access token by client credentials", OidcCloud.START);
        refused.process.awaitLog("cannot register with tunnel-registry gateway=gateway-oidc-no-client "
                + "status=UNAVAILABLE", OidcCloud.START);
        assertFalse(refused.process.logText().contains(keycloak.clientSecret("gateway")), "the secret is not logged");
    }

    @Test
    void refusesTheSameRestCallsWithAnotherAccountsTokenWith403() {
        String other = keycloak.clientCredentialsToken("automation-other");
        assertRefused(403, "WRONG_ACCOUNT", call(cloud.keyValidatorPort, "POST", "/api/v1/apikeys?accountIdentifier="
                + ACCOUNT, other, "{\"identifier\":\"other_made\",\"name\":\"x\",\"apiKeyType\":\"SERVICE_ACCOUNT\","
                + "\"parentIdentifier\":\"other_sa\"}"));
        assertRefused(403, "WRONG_ACCOUNT", call(cloud.policyPort, "POST", "/api/v1/connectors?accountIdentifier="
                + ACCOUNT, other, connectorJson("other_made")));
        assertEquals(404, call(cloud.policyPort, "GET", "/api/v1/connectors/other_made?accountIdentifier=" + ACCOUNT,
                keycloak.clientCredentialsToken("automation"), null).status(), "the refused create changed nothing");
    }

    @Test
    void refusesTheSameRestCallsWithoutATokenWith401() {
        assertRefused(401, "UNAUTHENTICATED", call(cloud.keyValidatorPort, "POST", "/api/v1/apikeys?accountIdentifier="
                + ACCOUNT, null, "{\"identifier\":\"anon_made\",\"name\":\"x\",\"apiKeyType\":\"SERVICE_ACCOUNT\","
                + "\"parentIdentifier\":\"anon_sa\"}"));
        assertRefused(401, "UNAUTHENTICATED", call(cloud.policyPort, "POST", "/api/v1/connectors?accountIdentifier="
                + ACCOUNT, null, connectorJson("anon_made")));
    }

    @Test
    void theProcessesGetEverySettingTheReadmeShowsAndNoOther() {
        // OidcCloud refuses a name the README does not show; here: none the README shows goes unused.
        assertEquals(cloud.readme().settings().keySet(), cloud.documentedNamesUsed(),
                "deploy/keycloak/README.md 'Turning it on' and the settings of this test's processes");
    }

    /** An API key of the account for the agent: core_pipeline_view on every resource, as the gateway demands. */
    private static String createAgentKey(String automation, String identifier) {
        String parent = identifier + "_sa";
        Answer key = call(cloud.keyValidatorPort, "POST", "/api/v1/apikeys?accountIdentifier=" + ACCOUNT, automation,
                "{\"identifier\":\"" + identifier + "\",\"name\":\"" + identifier + "\",\"apiKeyType\":"
                        + "\"SERVICE_ACCOUNT\",\"parentIdentifier\":\"" + parent + "\"}");
        assertEquals(201, key.status(), key.body().toString());
        Answer binding = call(cloud.keyValidatorPort, "POST", "/api/v1/role-bindings?accountIdentifier=" + ACCOUNT,
                automation, "{\"identifier\":\"" + parent + "_view\",\"roleIdentifier\":\"_pipeline_viewer\","
                        + "\"principal\":{\"type\":\"SERVICE_ACCOUNT\",\"identifier\":\"" + parent + "\"},"
                        + "\"resourceGroup\":{\"includeAllResources\":true}}");
        assertEquals(201, binding.status(), binding.body().toString());
        Answer token = call(cloud.keyValidatorPort, "POST", "/api/v1/apikeys/" + identifier
                + "/tokens?accountIdentifier=" + ACCOUNT, automation, "{\"identifier\":\"t1\",\"name\":\"t1\"}");
        assertEquals(201, token.status(), token.body().toString());
        String apiKey = token.body().path("token").asText();
        assertTrue(apiKey.startsWith("sat." + ACCOUNT + "."), "an API key of account " + ACCOUNT);
        return apiKey;
    }

    /** connector-policy over TLS, trusting the CA, without a client certificate: the caller is its token. */
    private static ConnectorPolicyGrpc.ConnectorPolicyBlockingStub policy(String token) {
        ConnectorPolicyGrpc.ConnectorPolicyBlockingStub stub = ConnectorPolicyGrpc.newBlockingStub(
                cloud.tlsChannel(cloud.policyGrpcPort)).withDeadlineAfter(20, TimeUnit.SECONDS);
        return token == null ? stub : stub.withInterceptors(OidcCloud.bearer(token));
    }

    private static ResolveBuildNetworkRequest resolveRequest(String build) {
        return ResolveBuildNetworkRequest.newBuilder().setAccountId(ACCOUNT).setBuildId(build)
                .setBuildDeadline(Timestamp.newBuilder().setSeconds(Instant.now().plusSeconds(3600).getEpochSecond()))
                .addConnectors(ConnectorRef.newBuilder().setIdentifier(CONNECTOR)).build();
    }

    private static String connectorJson(String identifier) {
        return "{\"identifier\":\"" + identifier + "\",\"name\":\"" + identifier
                + "\",\"type\":\"Git\",\"spec\":{\"url\":\"https://git.private.example/app.git\"}}";
    }

    private static String secureConnectJson() {
        return "{\"enabled\":true,\"tunnelPort\":" + gateway.tunnelPort + "}";
    }

    private static void assertRefused(int status, String code, Answer answer) {
        assertEquals(status, answer.status(), answer.body().toString());
        assertEquals(code, answer.body().path("code").asText(), answer.body().toString());
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
