package io.secureconnect.keyvalidator.support;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.secureconnect.common.grpc.ClientAddress;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A real gRPC client (grpc-java over Netty, TLS with a client certificate) to the service under test. */
public final class Grpc implements AutoCloseable {

    private final ManagedChannel channel;
    private final String clientAddress = Fixtures.unique("test_client");

    private Grpc(ManagedChannel channel) {
        this.channel = channel;
    }

    /** To the @QuarkusTest instance's gRPC port, as a gateway ({@link TestIdentity#GATEWAY}). */
    public static Grpc toTestService() {
        return to(IdentityResource.grpcPort());
    }

    /** To a key-validator's gRPC port, as a gateway ({@link TestIdentity#GATEWAY}). */
    public static Grpc to(int port) {
        return new Grpc(TestChannels.as(TestIdentity.GATEWAY, port));
    }

    /** To the @QuarkusTest instance's gRPC port over {@code channel} (another identity, or none). */
    public static Grpc over(ManagedChannel channel) {
        return new Grpc(channel);
    }

    /**
     * A stub that forwards a client address of its own, as a gateway does, so that each test has its own
     * failure budget with the rate limiter (which counts per peer and forwarded client).
     */
    public KeyValidatorGrpc.KeyValidatorBlockingStub blocking() {
        return forwardingFor(clientAddress);
    }

    /** A stub that sends no forwarded client address: limited as the bare peer (127.0.0.1). */
    public KeyValidatorGrpc.KeyValidatorBlockingStub bare() {
        return KeyValidatorGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** A stub that says it forwards for {@code clientAddress} (as a gateway does). */
    public KeyValidatorGrpc.KeyValidatorBlockingStub forwardingFor(String clientAddress) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("secureconnect-client-address", Metadata.ASCII_STRING_MARSHALLER), clientAddress);
        return bare().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    public ManagedChannel channel() {
        return channel;
    }

    public KeyValidatorGrpc.KeyValidatorStub async() {
        return KeyValidatorGrpc.newStub(channel);
    }

    public ValidateTokenResponse validate(String token, String... permissions) {
        return blocking().validateToken(ValidateTokenRequest.newBuilder().setToken(token)
                .addAllRequiredPermissions(List.of(permissions)).build());
    }

    /**
     * ValidateToken without waiting, forwarding for {@code client}: "VALID", "DENIED", or the status code it ended
     * with (e.g. RESOURCE_EXHAUSTED).
     */
    public CompletableFuture<String> validateAsync(String client, String token) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        async().withInterceptors(ClientAddress.forwarding(client)).withDeadlineAfter(20, TimeUnit.SECONDS)
                .validateToken(ValidateTokenRequest.newBuilder().setToken(token).build(), new StreamObserver<>() {
                    @Override
                    public void onNext(ValidateTokenResponse response) {
                        answer.complete(response.getValid() ? "VALID" : "DENIED");
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.complete(Status.fromThrowable(t).getCode().name());
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return answer;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
