package io.secureconnect.common.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.secureconnect.common.auth.ResourceRef;
import io.secureconnect.common.auth.Target;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.proto.CallMetadata;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The one ValidateToken client against a fake key-validator on a real gRPC listener (loopback, port 0; grpc-java's
 * in-process transport is not among this build's dependencies): each kind of answer becomes its typed result.
 */
class ValidateTokenClientTest {

    private final FakeKeyValidator keys = new FakeKeyValidator();
    private final List<String> clientAddresses = new CopyOnWriteArrayList<>();
    private Server server;
    private ManagedChannel channel;
    private ValidateTokenClient client;

    @BeforeEach
    void start() throws Exception {
        ServerInterceptor recordAddress = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                clientAddresses.add(String.valueOf(headers.get(CallMetadata.CLIENT_ADDRESS)));
                return next.startCall(call, headers);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(keys, recordAddress)).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        client = new ValidateTokenClient(KeyValidatorGrpc.newBlockingStub(channel), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private KeyAnswer ask(String token) {
        return client.validate(KeyQuestion.of(token, Set.of("core_pipeline_view")).from("203.0.113.7"));
    }

    @Test
    void answersValidWithThePrincipal() {
        KeyAnswer.Valid valid = assertInstanceOf(KeyAnswer.Valid.class, ask("valid"));
        assertEquals("acc", valid.principal().getAccountId());
        assertEquals("key", valid.principal().getApiKeyId());
    }

    @ParameterizedTest(name = "denied {0}: the reason, typed, with its row of the one table")
    @EnumSource(value = DenialReason.class, names = {"DENIAL_REASON_UNSPECIFIED", "UNRECOGNIZED"},
            mode = EnumSource.Mode.EXCLUDE)
    void answersEachDenialWithItsTypedReasonAndRow(DenialReason reason) {
        KeyAnswer.Denied denied = assertInstanceOf(KeyAnswer.Denied.class,
                ask("denied." + DenialReasons.name(reason)));
        assertEquals(reason, denied.reason());
        assertEquals(DenialReasons.of(reason), denied.row());
        boolean forbidden = reason == DenialReason.DENIAL_REASON_MISSING_PERMISSION
                || reason == DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW
                || reason == DenialReason.DENIAL_REASON_WRONG_ACCOUNT;
        assertEquals(forbidden ? 403 : 401, denied.row().status());
        assertFalse(denied.row().code().isEmpty());
        assertFalse(denied.message().contains("denied."), "the message never holds the token");
        assertEquals(List.of("core_pipeline_view"), denied.response().getMissingPermissionsList());
    }

    @Test
    void everyKnownReasonHasItsOwnRowAndAnUnknownOneIsRefusedAsUnauthenticated() {
        for (DenialReason reason : DenialReason.values()) {
            if (reason != DenialReason.UNRECOGNIZED && reason != DenialReason.DENIAL_REASON_UNSPECIFIED) {
                assertTrue(DenialReasons.of(reason) != DenialReasons.REFUSED, reason.name());
            }
        }
        assertEquals(401, DenialReasons.of(DenialReason.DENIAL_REASON_UNSPECIFIED).status());
    }

    @Test
    void answersKeyThrottledWhenTheTokenIdIsOverItsBudget() {
        KeyAnswer.Throttled throttled = assertInstanceOf(KeyAnswer.Throttled.class, ask("throttled.key"));
        assertEquals(KeyAnswer.Throttle.KEY, throttled.who());
        assertEquals(42, throttled.retryAfterSeconds());
    }

    @Test
    void answersClientThrottledWhenTheEndClientIsOverItsBudget() {
        KeyAnswer.Throttled throttled = assertInstanceOf(KeyAnswer.Throttled.class, ask("throttled.client"));
        assertEquals(KeyAnswer.Throttle.CLIENT, throttled.who());
        assertEquals(17, throttled.retryAfterOr(5));
    }

    @Test
    void leavesTheFallbackToTheCallerWhenNoRetryAfterIsSaid() {
        KeyAnswer.Throttled throttled = assertInstanceOf(KeyAnswer.Throttled.class, ask("throttled.silent"));
        assertEquals(KeyAnswer.Throttle.CLIENT, throttled.who());
        assertEquals(5, throttled.retryAfterOr(5));
    }

    @Test
    void answersUnavailableWhenTheDeadlinePasses() {
        ValidateTokenClient impatient = new ValidateTokenClient(KeyValidatorGrpc.newBlockingStub(channel),
                Duration.ofMillis(300));
        KeyAnswer answer = impatient.validate(KeyQuestion.of("slow", Set.of("core_pipeline_view")));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, assertInstanceOf(KeyAnswer.Unavailable.class, answer).code());
    }

    @Test
    void answersUnavailableWhenKeyValidatorIsUnavailable() {
        assertEquals(Status.Code.UNAVAILABLE, assertInstanceOf(KeyAnswer.Unavailable.class, ask("down")).code());
    }

    @Test
    void answersUnavailableWhenKeyValidatorFails() {
        KeyAnswer.Unavailable unavailable = assertInstanceOf(KeyAnswer.Unavailable.class, ask("broken"));
        assertEquals(Status.Code.INTERNAL, unavailable.code());
        assertFalse(unavailable.why().contains("broken"), "the why never holds the token");
    }

    @Test
    void answersUnavailableForAValidAnswerWithoutAPrincipal() {
        assertInstanceOf(KeyAnswer.Unavailable.class, ask("no-principal"));
    }

    @Test
    void forwardsTheEndClientsAddressInTheMetadata() {
        ask("valid");
        client.validate(KeyQuestion.of("valid", Set.of("core_pipeline_view")));
        assertEquals(List.of("203.0.113.7", "null"), clientAddresses);
    }

    @Test
    void buildsTheRequestFromTheQuestion() {
        ResourceRef connector = new ResourceRef(ResourceRef.CONNECTOR, "repo", "org", "");
        assertInstanceOf(KeyAnswer.Valid.class, client.validate(KeyQuestion.of("valid",
                Set.of("core_connector_view", "core_connector_edit")).abacAll(true).account("acc")
                .target(Target.resource(connector)).withLeaseReceipt()));
        ValidateTokenRequest request = keys.requests.get(0);
        assertEquals(List.of("core_connector_edit", "core_connector_view"), request.getRequiredPermissionsList());
        assertTrue(request.getRequireAbacAll());
        assertEquals("acc", request.getExpectedAccountId());
        assertTrue(request.getLeaseReceipt());
        assertEquals("repo", request.getResource().getIdentifier());
        assertEquals("org", request.getResource().getScope().getOrgId());
    }

    @Test
    void neverPrintsTheToken() {
        assertFalse(KeyQuestion.of("pat.a.b.s3cr3t", Set.of()).toString().contains("s3cr3t"));
    }
}
