package io.secureconnect.policy.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import io.secureconnect.policy.testsupport.Tunnels;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorPolicyGrpc;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;
import io.secureconnect.testing.TestPki;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may resolve account A's build network (and so obtain a build credential for A's tunnel), tried by every kind
 * of caller over real TLS connections: the README's security model. A runner may resolve any account's; an API key
 * of account A holding core_connector_access only A's, and only for connectors its resource groups cover; nobody
 * else anything. A refusal changes nothing (the connectors read back the same).
 */
@QuarkusTest
class ResolveAuthorizationTest {

    private static final String OK = "OK";
    private String account;
    private Tunnels tunnels;

    /** A caller: how it connects (channel from the gRPC port, the account asked for) and what it sends. */
    record Caller(String name, BiFunction<Integer, String, ManagedChannel> channel,
            BiFunction<String, String, String> apiKey) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Caller machine(String name, String peer) {
        return new Caller(name, (port, account) -> TestChannels.as(peer, port), (account, other) -> null);
    }

    static Caller withKey(String name, BiFunction<String, String, String> key) {
        return new Caller(name, (port, account) -> TestChannels.anonymous(port), key);
    }

    static Stream<Arguments> callers() {
        return Stream.of(
                Arguments.of(machine("a runner", "runner/ci-fleet"), OK),
                Arguments.of(withKey("an API key of the account with core_connector_access over All",
                        (account, other) -> Keys.token(account, "access")), OK),
                Arguments.of(withKey("an API key whose resource group names the connector",
                        (account, other) -> Keys.token(account, "access", "only_gh")), OK),
                Arguments.of(withKey("an API key whose resource group names another connector",
                        (account, other) -> Keys.token(account, "access", "only_other")),
                        "PERMISSION_DENIED/ABAC_SCOPE_TOO_NARROW"),
                Arguments.of(withKey("an API key limited to an org, for an account-level connector",
                        (account, other) -> Keys.token(account, "access", "org_o1")),
                        "PERMISSION_DENIED/ABAC_SCOPE_TOO_NARROW"),
                Arguments.of(withKey("an API key of another account",
                        (account, other) -> Keys.token(other, "access")), "PERMISSION_DENIED/WRONG_ACCOUNT"),
                Arguments.of(withKey("an API key of the account without core_connector_access",
                        (account, other) -> Keys.token(account, "view")), "PERMISSION_DENIED/MISSING_PERMISSION"),
                Arguments.of(withKey("an API key with core_pipeline_execute only (no longer enough)",
                        (account, other) -> Keys.token(account, "execute")), "PERMISSION_DENIED/MISSING_PERMISSION"),
                Arguments.of(withKey("a revoked API key", (account, other) -> Keys.token(account, "access-revoked")),
                        "UNAUTHENTICATED/REVOKED"),
                Arguments.of(withKey("an unknown API key",
                        (account, other) -> "pat." + account + ".access.wrongsecret"), "UNAUTHENTICATED/UNKNOWN"),
                Arguments.of(machine("a gateway", "gateway/gw-1"), "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                Arguments.of(machine("tunnel-registry's identity", "service/tunnel-registry"),
                        "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                Arguments.of(new Caller("an anonymous TLS client", (port, account) -> TestChannels.anonymous(port),
                        (account, other) -> null), "UNAUTHENTICATED/NO_CREDENTIALS"),
                Arguments.of(new Caller("a plaintext client", (port, account) -> TestChannels.plaintext(port),
                        (account, other) -> null), "UNAVAILABLE/"),
                Arguments.of(new Caller("a runner certificate of another CA", (port, account) ->
                        TestChannels.withIdentity(TestPki.stranger().identity("runner/ci-fleet"), port),
                        (account, other) -> null), "UNAVAILABLE/"));
    }

    @BeforeEach
    void tunnel() {
        account = Keys.newAccount();
        tunnels = new Tunnels();
        create("gh");
        tunnels.connect(account, 30007, "gw-1.sc.example.net");
    }

    @AfterEach
    void close() throws Exception {
        tunnels.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callers")
    void onlyARunnerOrTheAccountsOwnKeyResolvesItsBuildNetwork(Caller caller, String expected) throws Exception {
        String before = connectors();
        ManagedChannel channel = caller.channel().apply(IdentityResource.grpcPort(), account);
        try {
            assertEquals(expected, resolve(channel, caller.apiKey().apply(account, Keys.newAccount()), "gh"));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertEquals(before, connectors(), "the account's connectors read back the same");
    }

    @Test
    void aKeyWhoseGroupNamesConnectorAResolvesAButNeitherBNorOneThatDoesNotExist() throws Exception {
        create("a");
        create("b");
        String key = Keys.token(account, "access", "only_a", "only_gh");
        String before = connectors();
        ManagedChannel channel = TestChannels.anonymous(IdentityResource.grpcPort());
        try {
            assertEquals(OK, resolve(channel, key, "a"));
            assertEquals(OK, resolve(channel, key, "a", "gh"));
            assertEquals("PERMISSION_DENIED/ABAC_SCOPE_TOO_NARROW", resolve(channel, key, "b"));
            assertEquals("PERMISSION_DENIED/ABAC_SCOPE_TOO_NARROW", resolve(channel, key, "a", "b"),
                    "every connector of the build must be covered");
            // Not NOT_FOUND: a key learns nothing about connectors its groups do not cover.
            assertEquals("PERMISSION_DENIED/ABAC_SCOPE_TOO_NARROW", resolve(channel, key, "nowhere"));
            // A connector the key covers that does not exist is the ordinary answer.
            assertEquals("NOT_FOUND/CONNECTOR_NOT_FOUND",
                    resolve(channel, Keys.token(account, "access", "only_ghost"), "ghost"));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        assertEquals(before, connectors(), "the account's connectors read back the same");
    }

    /** OK when the build got the tunnel, else the refusal as CODE/REASON. */
    private String resolve(ManagedChannel channel, String key, String... connectors) {
        ConnectorPolicyGrpc.ConnectorPolicyBlockingStub stub = ConnectorPolicyGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        if (key != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), key);
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        try {
            String proxy = stub.resolveBuildNetwork(request(connectors)).getHarnessHttpProxy();
            return proxy.contains(":30007") ? OK : "answered without the tunnel: " + proxy;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + "/" + GrpcFailure.reason(e).orElse("");
        }
    }

    private void create(String identifier) {
        Map<String, Object> body = new LinkedHashMap<>(Bodies.gitHub(identifier));
        body.put("secureConnect", Bodies.secureConnect(true, null));
        Keys.asAdmin(account).body(body).queryParam("accountIdentifier", account).when().post("/api/v1/connectors")
                .then().statusCode(201);
    }

    /** The account's connectors as the REST API lists them, to compare before and after. */
    private String connectors() {
        return Keys.asAdmin(account).queryParam("accountIdentifier", account).when().get("/api/v1/connectors")
                .then().statusCode(200).extract().asString();
    }

    private ResolveBuildNetworkRequest request(String... connectors) {
        Instant deadline = Instant.now().plusSeconds(600);
        ResolveBuildNetworkRequest.Builder request = ResolveBuildNetworkRequest.newBuilder().setAccountId(account)
                .setBuildId("build-authz").setBuildDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()));
        for (String connector : connectors) {
            request.addConnectors(ConnectorRef.newBuilder().setIdentifier(connector));
        }
        return request.build();
    }
}
