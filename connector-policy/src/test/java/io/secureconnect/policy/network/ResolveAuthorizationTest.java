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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may resolve account A's build network (and so obtain a build credential for A's tunnel), tried by every kind
 * of caller over real TLS connections: the README's security model. A runner may resolve any account's; an API key
 * of account A holding core_pipeline_execute only A's; nobody else anything.
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
                Arguments.of(withKey("an API key of the account with core_pipeline_execute",
                        (account, other) -> Keys.token(account, "execute")), OK),
                Arguments.of(withKey("an API key of another account",
                        (account, other) -> Keys.token(other, "execute")), "PERMISSION_DENIED/WRONG_ACCOUNT"),
                Arguments.of(withKey("an API key of the account without core_pipeline_execute",
                        (account, other) -> Keys.token(account, "view")), "PERMISSION_DENIED/MISSING_PERMISSION"),
                Arguments.of(withKey("a revoked API key", (account, other) -> Keys.token(account, "execute-revoked")),
                        "UNAUTHENTICATED/REVOKED"),
                Arguments.of(withKey("an unknown API key",
                        (account, other) -> "pat." + account + ".execute.wrongsecret"), "UNAUTHENTICATED/UNKNOWN"),
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
        Map<String, Object> body = new LinkedHashMap<>(Bodies.gitHub("gh"));
        body.put("secureConnect", Bodies.secureConnect(true, null));
        Keys.asAdmin(account).body(body).queryParam("accountIdentifier", account).when().post("/api/v1/connectors")
                .then().statusCode(201);
        tunnels.connect(account, 30007, "gw-1.sc.example.net");
    }

    @AfterEach
    void close() throws Exception {
        tunnels.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callers")
    void onlyARunnerOrTheAccountsOwnKeyResolvesItsBuildNetwork(Caller caller, String expected) throws Exception {
        ManagedChannel channel = caller.channel().apply(IdentityResource.grpcPort(), account);
        try {
            ConnectorPolicyGrpc.ConnectorPolicyBlockingStub stub = ConnectorPolicyGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS);
            String key = caller.apiKey().apply(account, Keys.newAccount());
            if (key != null) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), key);
                stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            }
            String outcome;
            try {
                String proxy = stub.resolveBuildNetwork(request()).getHarnessHttpProxy();
                outcome = proxy.contains(":30007") ? OK : "answered without the tunnel: " + proxy;
            } catch (StatusRuntimeException e) {
                outcome = e.getStatus().getCode() + "/" + GrpcFailure.reason(e).orElse("");
            }
            assertEquals(expected, outcome);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private ResolveBuildNetworkRequest request() {
        Instant deadline = Instant.now().plusSeconds(600);
        return ResolveBuildNetworkRequest.newBuilder().setAccountId(account).setBuildId("build-authz")
                .setBuildDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()))
                .addConnectors(ConnectorRef.newBuilder().setIdentifier("gh")).build();
    }
}
