package io.secureconnect.policy.testsupport;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.secureconnect.common.receipt.SignedClaims;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceipt;
import io.secureconnect.proto.keyvalidator.v1.LeaseReceiptClaims;
import io.secureconnect.proto.tunnelregistry.v1.AcquireLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.ReleaseLeaseRequest;
import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.testing.TestChannels;
import io.secureconnect.testing.TestReceipts;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/** Connects and disconnects tunnels in the in-test tunnel-registry, through its gRPC contract, as a gateway does. */
public final class Tunnels implements AutoCloseable {

    private final ManagedChannel channel;
    private final TunnelRegistryGrpc.TunnelRegistryBlockingStub registry;

    public Tunnels() {
        int port = ConfigProvider.getConfig().getValue(PolicyTestDependencies.REGISTRY_PORT, Integer.class);
        channel = TestChannels.as("gateway/gw-policy-test", port);
        registry = TunnelRegistryGrpc.newBlockingStub(channel);
    }

    /** The account's agent is connected on this port through a gateway whose proxy host is proxyHost. */
    public void connect(String account, int port, String proxyHost) {
        String gatewayId = "gw-" + proxyHost;
        registry.registerGateway(RegisterGatewayRequest.newBuilder().setGateway(Gateway.newBuilder()
                .setGatewayId(gatewayId).setProxyHost(proxyHost).setAgentEndpoint(proxyHost + ":8443")).build());
        registry.acquireLease(AcquireLeaseRequest.newBuilder().setAccountId(account).setPort(port)
                .setGatewayId(gatewayId).setApiKeyId("key").setAgentId("agent")
                .setReceipt(receipt(account, "key", gatewayId).toByteString()).build());
    }

    /** What key-validator gives the gateway for the agent's key (signed by the test PKI's key-validator). */
    static LeaseReceipt receipt(String account, String apiKeyId, String gatewayId) {
        Instant now = Instant.now();
        SignedClaims signed = TestReceipts.sign(LeaseReceiptClaims.newBuilder().setAccountId(account)
                .setApiKeyId(apiKeyId).setGatewayId(gatewayId)
                .setIssuedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
                .setExpiresAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond() + 60)).build());
        return LeaseReceipt.newBuilder().setClaims(ByteString.copyFrom(signed.claims()))
                .setSignature(ByteString.copyFrom(signed.signature()))
                .setSignerCertificate(ByteString.copyFrom(signed.signerCertificate())).build();
    }

    public void disconnect(String account, int port) {
        registry.releaseLease(ReleaseLeaseRequest.newBuilder().setAccountId(account).setPort(port).setEpoch(1).build());
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
