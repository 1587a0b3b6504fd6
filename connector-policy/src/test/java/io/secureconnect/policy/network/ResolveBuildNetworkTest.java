package io.secureconnect.policy.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.credential.BuildCredential;
import io.secureconnect.common.credential.BuildCredentialCodec;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import io.secureconnect.policy.testsupport.PolicyClient;
import io.secureconnect.policy.testsupport.PolicyTestDependencies;
import io.secureconnect.policy.testsupport.Tunnels;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRoute;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import io.secureconnect.proto.connectorpolicy.v1.Route;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ResolveBuildNetwork over a real gRPC channel: routes and hosts per connector, the proxy variables with a
 * credential that verifies with the public key, the allowlist, and each refusal with its reason trailer.
 */
@QuarkusTest
class ResolveBuildNetworkTest {

    private PolicyClient client;
    private Tunnels tunnels;
    private String account;

    @BeforeEach
    void clients() {
        client = new PolicyClient();
        tunnels = new Tunnels();
        account = Keys.newAccount();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        tunnels.close();
    }

    @Test
    void routesAFiveConnectorBuildAndIssuesACredentialBoundToAccountBuildPortAndHosts() throws Exception {
        create(null, null, Bodies.withUrl("bitbucket", "Bitbucket", "https://bitbucket.myorg.com/scm/pay/app.git"), true, null);
        create(null, null, Bodies.connector("aws", "Aws", Map.of("region", "eu-west-1")), true, null);
        create("default", null, Bodies.withUrl("hub", "DockerRegistry", "https://index.docker.io/v2/"), false, null);
        create("default", "payments", Bodies.connector("gcp", "Gcp", Map.of("project", "payments-prod")), false, null);
        create(null, null, Bodies.withUrl("github", "GitHub", "https://github.com/myorg/app.git"), false, null);
        tunnels.connect(account, 30001, "gw-1.sc.example.net");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(30));

        ResolveBuildNetworkResponse answer = client.stub().resolveBuildNetwork(request("build-42", deadline,
                ref("", "", "bitbucket"), ref("", "", "aws"), ref("default", "", "hub"), ref("default", "payments", "gcp"),
                ref("", "", "github")));

        assertEquals(List.of(Route.ROUTE_TUNNEL, Route.ROUTE_TUNNEL, Route.ROUTE_DIRECT, Route.ROUTE_DIRECT,
                Route.ROUTE_DIRECT), answer.getRoutesList().stream().map(ConnectorRoute::getRoute).toList());
        assertEquals(List.of("Bitbucket", "Aws", "DockerRegistry", "Gcp", "GitHub"),
                answer.getRoutesList().stream().map(ConnectorRoute::getConnectorType).toList());
        assertEquals("payments", answer.getRoutes(3).getConnector().getProjectId());
        List<String> allowlist = List.of("bitbucket.myorg.com:443", "sts.eu-west-1.amazonaws.com:443",
                "api.ecr.eu-west-1.amazonaws.com:443", "*.dkr.ecr.eu-west-1.amazonaws.com:443",
                "s3.eu-west-1.amazonaws.com:443", "*.s3.eu-west-1.amazonaws.com:443");
        assertEquals(allowlist, answer.getDestinationAllowlistList());
        assertEquals("index.docker.io,registry-1.docker.io,auth.docker.io,production.cloudflare.docker.com,"
                + ".googleapis.com,.pkg.dev,gcr.io,.gcr.io,github.com", answer.getHarnessNoProxy());
        assertTrue(answer.getHarnessGitProxy(), "Bitbucket goes through the tunnel");
        assertEquals(30001, answer.getTunnelPort());

        URI http = URI.create(answer.getHarnessHttpProxy());
        URI https = URI.create(answer.getHarnessHttpsProxy());
        assertEquals("http", http.getScheme());
        assertEquals("https", https.getScheme(), "TLS to the proxy");
        for (URI proxy : List.of(http, https)) {
            assertEquals("gw-1.sc.example.net", proxy.getHost());
            assertEquals(30001, proxy.getPort());
            assertTrue(proxy.getRawUserInfo().startsWith("build:"));
        }
        String credential = http.getRawUserInfo().substring("build:".length());
        assertEquals(credential, https.getRawUserInfo().substring("build:".length()));

        BuildCredential verified = BuildCredentialCodec.verify(credential, publicKey(), Instant.now());
        assertEquals(account, verified.accountId());
        assertEquals("build-42", verified.buildId());
        assertEquals(30001, verified.port());
        assertEquals(allowlist, verified.destinations());
        assertEquals(deadline.getEpochSecond(), verified.expiresAt().getEpochSecond());
        assertEquals(deadline.getEpochSecond(), answer.getCredentialExpiresAt().getSeconds());
    }

    @Test
    void capsTheCredentialAtTheMaximumLifetime() throws Exception {
        create(null, null, Bodies.gitHub("gh"), true, null);
        tunnels.connect(account, 30002, "gw-1.sc.example.net");
        Instant before = Instant.now();

        ResolveBuildNetworkResponse answer = client.stub().resolveBuildNetwork(
                request("long-build", before.plus(Duration.ofHours(48)), ref("", "", "gh")));

        Instant expires = Instant.ofEpochSecond(answer.getCredentialExpiresAt().getSeconds());
        Duration lifetime = Duration.between(before, expires);
        assertTrue(lifetime.compareTo(Duration.ofHours(6).minusSeconds(5)) > 0
                && lifetime.compareTo(Duration.ofHours(6).plusSeconds(5)) < 0, "lifetime " + lifetime);
        String credential = URI.create(answer.getHarnessHttpProxy()).getRawUserInfo().substring("build:".length());
        assertEquals(expires, BuildCredentialCodec.verify(credential, publicKey(), Instant.now()).expiresAt());
        assertTrue(answer.getHarnessGitProxy());
    }

    @Test
    void usesTheConnectorsChosenTunnelAndLeavesGitProxyOffForNonGitConnectors() {
        create(null, null, Bodies.connector("aws", "Aws", Map.of("region", "cn-north-1")), true, 30050);
        tunnels.connect(account, 30001, "gw-1.sc.example.net");
        tunnels.connect(account, 30050, "gw-2.sc.example.net");

        ResolveBuildNetworkResponse answer = client.stub().resolveBuildNetwork(
                request("b1", Instant.now().plusSeconds(600), ref("", "", "aws")));

        assertEquals(30050, answer.getTunnelPort());
        assertTrue(answer.getHarnessHttpsProxy().endsWith("@gw-2.sc.example.net:30050"));
        assertFalse(answer.getHarnessGitProxy());
        assertTrue(answer.getDestinationAllowlistList().contains("sts.cn-north-1.amazonaws.com.cn:443"));
        assertEquals("", answer.getHarnessNoProxy());
    }

    @Test
    void answersWithoutProxyOrCredentialWhenNoConnectorUsesTheTunnel() {
        create(null, null, Bodies.withUrl("git", "Git", "ssh://git@git.myorg.com:7999/r.git"), false, null);

        ResolveBuildNetworkResponse answer = client.stub().resolveBuildNetwork(
                request("b1", Instant.now().plusSeconds(600), ref("", "", "git")));

        assertEquals(Route.ROUTE_DIRECT, answer.getRoutes(0).getRoute());
        assertEquals(List.of("git.myorg.com:7999"), answer.getRoutes(0).getHostsList());
        assertEquals("", answer.getHarnessHttpProxy());
        assertEquals("", answer.getHarnessHttpsProxy());
        assertEquals("git.myorg.com", answer.getHarnessNoProxy());
        assertFalse(answer.getHarnessGitProxy());
        assertEquals(0, answer.getDestinationAllowlistCount());
        assertFalse(answer.hasCredentialExpiresAt());
    }

    @Test
    void keepsAHostThatATunnelConnectorNeedsOffTheNoProxyList() {
        create(null, null, Bodies.withUrl("secure", "GitHub", "https://git.myorg.com/a.git"), true, null);
        create(null, null, Bodies.withUrl("plain", "Git", "https://git.myorg.com/b.git"), false, null);
        tunnels.connect(account, 30003, "gw-1.sc.example.net");

        ResolveBuildNetworkResponse answer = client.stub().resolveBuildNetwork(
                request("b1", Instant.now().plusSeconds(600), ref("", "", "secure"), ref("", "", "plain")));

        assertEquals("", answer.getHarnessNoProxy());
        assertEquals(List.of("git.myorg.com:443"), answer.getDestinationAllowlistList());
    }

    @Test
    void answersNotFoundNamingAnUnknownConnector() {
        create(null, null, Bodies.gitHub("gh"), false, null);
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().plusSeconds(600), ref("", "", "gh"),
                        ref("default", "payments", "missing"))));
        assertEquals(Status.Code.NOT_FOUND, failure.getStatus().getCode());
        assertEquals("CONNECTOR_NOT_FOUND", GrpcFailure.reason(failure).orElseThrow());
        assertEquals("default/payments/missing", GrpcFailure.fact(failure, "connector").orElseThrow());
        assertTrue(failure.getStatus().getDescription().contains("default/payments/missing"));
    }

    @Test
    void answersNotFoundForAnotherAccountsConnector() {
        create(null, null, Bodies.gitHub("theirs"), true, null);
        tunnels.connect(account, 30004, "gw-1.sc.example.net");
        String stranger = Keys.newAccount();
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().plusSeconds(600), ref("", "", "theirs")).toBuilder()
                        .setAccountId(stranger).build()));
        assertEquals(Status.Code.NOT_FOUND, failure.getStatus().getCode());
        assertEquals("CONNECTOR_NOT_FOUND", GrpcFailure.reason(failure).orElseThrow());
    }

    @Test
    void refusesWhenTheChosenTunnelIsDisconnectedSayingSinceWhenAndOnWhichPort() {
        create(null, null, Bodies.gitHub("gh"), true, 30005);
        tunnels.connect(account, 30005, "gw-1.sc.example.net");
        Instant beforeDrop = Instant.now().minusSeconds(1);
        tunnels.disconnect(account, 30005);

        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().plusSeconds(600), ref("", "", "gh"))));

        assertEquals(Status.Code.FAILED_PRECONDITION, failure.getStatus().getCode());
        assertEquals("TUNNEL_NOT_CONNECTED", GrpcFailure.reason(failure).orElseThrow());
        assertEquals("30005", GrpcFailure.fact(failure, "port").orElseThrow());
        Instant since = Instant.parse(GrpcFailure.fact(failure, "disconnected_since").orElseThrow());
        assertTrue(!since.isBefore(beforeDrop) && !since.isAfter(Instant.now()), "since " + since);
        assertTrue(failure.getStatus().getDescription().contains("port 30005"));
    }

    @Test
    void refusesAConnectorWhoseTunnelPortIsOutsideTheRegistrysPoolNamingThePool() {
        create(null, null, Bodies.gitHub("gh"), true, 31005);

        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().plusSeconds(600), ref("", "", "gh"))));

        assertEquals(Status.Code.FAILED_PRECONDITION, failure.getStatus().getCode());
        assertEquals("PORT_OUT_OF_RANGE", GrpcFailure.reason(failure).orElseThrow());
        assertEquals("31005", GrpcFailure.fact(failure, "port").orElseThrow());
        assertEquals("30000", GrpcFailure.fact(failure, "first").orElseThrow(), "the registry's pool, not a copy");
        assertEquals("30099", GrpcFailure.fact(failure, "last").orElseThrow());
        assertEquals("Secure Connect on gh names tunnel port 31005, outside tunnel-registry's port pool 30000-30099"
                + " (secureconnect.registry.ports.first/last); set the connector's secureConnect.tunnelPort to a port"
                + " of the pool, or leave it out", failure.getStatus().getDescription());
    }

    @Test
    void reportsATunnelThatDisconnectsAfterARoutedBuildOnceTheRouteTtlHasPassed() throws Exception {
        create(null, null, Bodies.gitHub("gh"), true, 30007);
        tunnels.connect(account, 30007, "gw-1.sc.example.net");
        assertEquals(30007, client.stub().resolveBuildNetwork(request("b1", Instant.now().plusSeconds(600),
                ref("", "", "gh"))).getTunnelPort());
        Instant beforeDrop = Instant.now().minusSeconds(1);
        tunnels.disconnect(account, 30007);
        // The route learnt before the disconnect may be reused for at most the TTL; after that it must not be.
        Duration ttl = ConfigProvider.getConfig().getValue("secureconnect.policy.tunnel-route-ttl", Duration.class);
        assertTrue(ttl.compareTo(Duration.ofSeconds(2)) <= 0, "the documented bound is 2 s: " + ttl);
        Thread.sleep(ttl.toMillis() + 20);

        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b2", Instant.now().plusSeconds(600), ref("", "", "gh"))));

        assertEquals(Status.Code.FAILED_PRECONDITION, failure.getStatus().getCode());
        assertEquals("TUNNEL_NOT_CONNECTED", GrpcFailure.reason(failure).orElseThrow());
        assertEquals("30007", GrpcFailure.fact(failure, "port").orElseThrow());
        Instant since = Instant.parse(GrpcFailure.fact(failure, "disconnected_since").orElseThrow());
        assertTrue(!since.isBefore(beforeDrop) && !since.isAfter(Instant.now()), "since " + since);
    }

    @Test
    void refusesWhenTheAccountNeverConnectedATunnel() {
        create(null, null, Bodies.gitHub("gh"), true, null);
        tunnels.connect(Keys.newAccount(), 30006, "gw-1.sc.example.net");

        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().plusSeconds(600), ref("", "", "gh"))));

        assertEquals(Status.Code.FAILED_PRECONDITION, failure.getStatus().getCode());
        assertEquals("TUNNEL_NOT_CONNECTED", GrpcFailure.reason(failure).orElseThrow());
        assertEquals("any", GrpcFailure.fact(failure, "port").orElseThrow());
        assertEquals("never-connected", GrpcFailure.fact(failure, "disconnected_since").orElseThrow());
    }

    @Test
    void refusesConnectorsThatAskForDifferentTunnels() {
        create(null, null, Bodies.gitHub("one"), true, 30010);
        create(null, null, Bodies.gitHub("two"), true, 30011);
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().plusSeconds(600), ref("", "", "one"), ref("", "", "two"))));
        assertEquals(Status.Code.FAILED_PRECONDITION, failure.getStatus().getCode());
        assertEquals("CONFLICTING_TUNNEL_PORTS", GrpcFailure.reason(failure).orElseThrow());
        assertEquals("30010,30011", GrpcFailure.fact(failure, "ports").orElseThrow());
    }

    @Test
    void refusesAMissingOrPastBuildDeadline() {
        create(null, null, Bodies.gitHub("gh"), false, null);
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().plusSeconds(60), ref("", "", "gh")).toBuilder()
                        .clearBuildDeadline().build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, missing.getStatus().getCode());
        assertEquals("build_deadline", GrpcFailure.fact(missing, "field").orElseThrow());

        StatusRuntimeException past = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().minusSeconds(60), ref("", "", "gh"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, past.getStatus().getCode());
        assertEquals("BUILD_DEADLINE_PASSED", GrpcFailure.reason(past).orElseThrow());
    }

    @Test
    void refusesMalformedReferencesNamingTheField() {
        StatusRuntimeException badIdentifier = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().plusSeconds(60), ref("", "", "not-valid"))));
        assertEquals(Status.Code.INVALID_ARGUMENT, badIdentifier.getStatus().getCode());
        assertEquals("connectors[0].identifier", GrpcFailure.fact(badIdentifier, "field").orElseThrow());

        StatusRuntimeException projectWithoutOrg = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("b1", Instant.now().plusSeconds(60), ref("", "payments", "gh"))));
        assertEquals("connectors[0].org_id", GrpcFailure.fact(projectWithoutOrg, "field").orElseThrow());

        StatusRuntimeException noBuild = assertThrows(StatusRuntimeException.class, () -> client.stub()
                .resolveBuildNetwork(request("", Instant.now().plusSeconds(60), ref("", "", "gh"))));
        assertEquals("build_id", GrpcFailure.fact(noBuild, "field").orElseThrow());
    }

    private void create(String org, String project, Map<String, Object> body, boolean secureConnect, Integer port) {
        Map<String, Object> full = new LinkedHashMap<>(body);
        full.put("secureConnect", Bodies.secureConnect(secureConnect, port));
        var request = Keys.asAdmin(account).body(full).queryParam("accountIdentifier", account);
        if (org != null) {
            request.queryParam("orgIdentifier", org);
        }
        if (project != null) {
            request.queryParam("projectIdentifier", project);
        }
        request.when().post("/api/v1/connectors").then().statusCode(201);
    }

    private ResolveBuildNetworkRequest request(String build, Instant deadline, ConnectorRef... refs) {
        return ResolveBuildNetworkRequest.newBuilder().setAccountId(account).setBuildId(build)
                .setBuildDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()).setNanos(deadline.getNano()))
                .addAllConnectors(List.of(refs)).build();
    }

    private static ConnectorRef ref(String org, String project, String identifier) {
        return ConnectorRef.newBuilder().setOrgId(org).setProjectId(project).setIdentifier(identifier).build();
    }

    private static PublicKey publicKey() throws Exception {
        return Ed25519Keys.readPublic(Path.of(ConfigProvider.getConfig()
                .getValue(PolicyTestDependencies.PUBLIC_KEY_FILE, String.class)));
    }
}
