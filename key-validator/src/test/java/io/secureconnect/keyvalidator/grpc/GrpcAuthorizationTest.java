package io.secureconnect.keyvalidator.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;
import io.secureconnect.testing.TestPki;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may call key-validator's gRPC methods, tried by every kind of caller over a real TLS connection: the README's
 * security model table, row by row. "Admitted" means the call got past authentication (a validation answer, or a
 * revocation stream that stays open until its deadline).
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class GrpcAuthorizationTest {

    private static final String ADMITTED = "admitted";

    enum Method {
        VALIDATE_TOKEN, WATCH_REVOCATIONS
    }

    static Stream<Arguments> matrix() {
        Function<Integer, ManagedChannel> gateway = port -> TestChannels.as("gateway/gw-matrix", port);
        Function<Integer, ManagedChannel> registry = port -> TestChannels.as("service/tunnel-registry", port);
        Function<Integer, ManagedChannel> policy = port -> TestChannels.as("service/connector-policy", port);
        Function<Integer, ManagedChannel> runner = port -> TestChannels.as("runner/ci-fleet", port);
        Function<Integer, ManagedChannel> itself = port -> TestChannels.as("service/key-validator", port);
        Function<Integer, ManagedChannel> anonymous = TestChannels::anonymous;
        Function<Integer, ManagedChannel> plaintext = TestChannels::plaintext;
        Function<Integer, ManagedChannel> nameless = port -> TestChannels.withIdentity(TestPki.shared().anonymous(),
                port);
        Function<Integer, ManagedChannel> stranger = port -> TestChannels.withIdentity(
                TestPki.stranger().identity("gateway/gw-matrix"), port);
        return Stream.of(
                Arguments.of("a gateway validates a token", gateway, Method.VALIDATE_TOKEN, ADMITTED),
                Arguments.of("a gateway watches revocations", gateway, Method.WATCH_REVOCATIONS, ADMITTED),
                Arguments.of("tunnel-registry validates a token", registry, Method.VALIDATE_TOKEN, ADMITTED),
                Arguments.of("tunnel-registry may not watch revocations", registry, Method.WATCH_REVOCATIONS,
                        "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                Arguments.of("connector-policy validates a token", policy, Method.VALIDATE_TOKEN, ADMITTED),
                Arguments.of("connector-policy may not watch revocations", policy, Method.WATCH_REVOCATIONS,
                        "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                Arguments.of("a runner may not validate tokens", runner, Method.VALIDATE_TOKEN,
                        "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                Arguments.of("a runner may not watch revocations", runner, Method.WATCH_REVOCATIONS,
                        "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                Arguments.of("key-validator's own identity may not validate", itself, Method.VALIDATE_TOKEN,
                        "PERMISSION_DENIED/METHOD_NOT_ALLOWED"),
                Arguments.of("an anonymous TLS client may not validate", anonymous, Method.VALIDATE_TOKEN,
                        "UNAUTHENTICATED/NO_CREDENTIALS"),
                Arguments.of("an anonymous TLS client may not watch revocations", anonymous,
                        Method.WATCH_REVOCATIONS, "UNAUTHENTICATED/NO_CREDENTIALS"),
                Arguments.of("a certificate that names no identity is nobody", nameless, Method.VALIDATE_TOKEN,
                        "UNAUTHENTICATED/NO_IDENTITY"),
                Arguments.of("a certificate of another CA fails the TLS handshake", stranger,
                        Method.VALIDATE_TOKEN, "UNAVAILABLE/"),
                Arguments.of("a plaintext client gets no answer", plaintext, Method.VALIDATE_TOKEN, "UNAVAILABLE/"),
                Arguments.of("a plaintext client gets no revocations", plaintext, Method.WATCH_REVOCATIONS,
                        "UNAVAILABLE/"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void onlyTheIdentitiesOfTheSecurityModelGetIn(String name, Function<Integer, ManagedChannel> channels,
            Method method, String expected) throws InterruptedException {
        ManagedChannel channel = channels.apply(IdentityResource.grpcPort());
        try {
            assertEquals(expected, outcome(() -> call(channel, method)));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static String call(ManagedChannel channel, Method method) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("secureconnect-client-address", Metadata.ASCII_STRING_MARSHALLER),
                Fixtures.unique("matrix"));
        KeyValidatorGrpc.KeyValidatorBlockingStub stub = KeyValidatorGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
        if (method == Method.VALIDATE_TOKEN) {
            assertFalse(stub.withDeadlineAfter(10, TimeUnit.SECONDS).validateToken(ValidateTokenRequest.newBuilder()
                    .setToken("pat.nobody.x.y").addRequiredPermissions("core_pipeline_view").build()).getValid());
            return ADMITTED;
        }
        try {
            stub.withDeadlineAfter(1500, TimeUnit.MILLISECONDS)
                    .watchRevocations(WatchRevocationsRequest.getDefaultInstance()).hasNext();
            return "the stream ended";
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                return ADMITTED;
            }
            throw e;
        }
    }

    private static String outcome(Supplier<String> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + "/" + GrpcFailure.reason(e).orElse("");
        }
    }

    @org.junit.jupiter.api.Test
    void aRefusedCallerLearnsWhoMayCall() {
        ManagedChannel channel = TestChannels.as("runner/ci-fleet", IdentityResource.grpcPort());
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(channel,
                    Method.VALIDATE_TOKEN));
            assertEquals("runner/ci-fleet may not call secureconnect.keyvalidator.v1.KeyValidator/ValidateToken; it "
                    + "may be called by service/connector-policy, service/tunnel-registry, any gateway (as itself)",
                    e.getStatus().getDescription());
        } finally {
            channel.shutdownNow();
        }
    }
}
