package io.secureconnect.policy.testsupport;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.restassured.RestAssured;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorPolicyGrpc;
import java.util.concurrent.TimeUnit;

/** A real gRPC client (plain grpc-java over Netty) of the connector-policy under test, on its shared HTTP port. */
public final class PolicyClient implements AutoCloseable {

    private final ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", RestAssured.port)
            .usePlaintext().build();

    public ConnectorPolicyGrpc.ConnectorPolicyBlockingStub stub() {
        return ConnectorPolicyGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
