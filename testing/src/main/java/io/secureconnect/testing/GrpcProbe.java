package io.secureconnect.testing;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.grpc.ManagedChannel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC client (grpc-java; the channel from {@link TestChannels}, closed after the question) that asks a running service what it serves and whether it is healthy. */
public final class GrpcProbe {

    private GrpcProbe() {
    }

    /** Service names listed by the server reflection service (grpc.reflection.v1). */
    public static List<String> listServices(ManagedChannel channel) throws Exception {
        try {
            CompletableFuture<List<String>> names = new CompletableFuture<>();
            StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                    .serverReflectionInfo(new StreamObserver<>() {
                        @Override
                        public void onNext(ServerReflectionResponse response) {
                            names.complete(response.getListServicesResponse().getServiceList().stream()
                                    .map(ServiceResponse::getName).sorted().toList());
                        }

                        @Override
                        public void onError(Throwable t) {
                            names.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {
                            names.complete(List.of());
                        }
                    });
            requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
            requests.onCompleted();
            return names.get(10, TimeUnit.SECONDS);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** The grpc.health.v1 status of {@code service} ("" = the whole server), e.g. "SERVING". */
    public static String health(ManagedChannel channel, String service) throws Exception {
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus().name();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
