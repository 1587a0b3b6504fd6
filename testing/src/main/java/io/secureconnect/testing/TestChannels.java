package io.secureconnect.testing;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;

/** Real gRPC clients (grpc-java over Netty, TLS) to a service of ours on loopback, as each kind of caller. */
public final class TestChannels {

    private TestChannels() {
    }

    /** As {@code peer} of the test run's deployment PKI, e.g. {@code gateway/gw-a} or {@code service/connector-policy}. */
    public static ManagedChannel as(String peer, int port) {
        return withIdentity(TestPki.shared().identity(peer), port);
    }

    /** With the certificate of an identity directory (e.g. one of {@link TestPki#stranger()}). */
    public static ManagedChannel withIdentity(Path identity, int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(TestPki.clientContext(identity)).build();
    }

    /** TLS that trusts the server, but no client certificate: an anonymous caller. */
    public static ManagedChannel anonymous(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
                .sslContext(TestPki.shared().anonymousClientContext()).build();
    }

    /** No TLS at all (h2c): must never get an answer from a service of ours. */
    public static ManagedChannel plaintext(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }
}
