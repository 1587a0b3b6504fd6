package io.secureconnect.policy.testsupport;

import io.grpc.ManagedChannel;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorPolicyGrpc;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC client (grpc-java over Netty, TLS) of the connector-policy under test, on its own gRPC port: by
 * default as a runner ({@link #RUNNER}, which may resolve any account's build network), or over another channel.
 */
public final class PolicyClient implements AutoCloseable {

    public static final String RUNNER = "runner/ci-fleet";
    private final ManagedChannel channel;

    public PolicyClient() {
        this(TestChannels.as(RUNNER, IdentityResource.grpcPort()));
    }

    public PolicyClient(ManagedChannel channel) {
        this.channel = channel;
    }

    public ConnectorPolicyGrpc.ConnectorPolicyBlockingStub stub() {
        return ConnectorPolicyGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
