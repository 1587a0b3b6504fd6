package io.secureconnect.gateway.tls;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * Server TLS contexts from the PEM files: OpenSSL (BoringSSL via netty-tcnative) when it loads, JDK TLS otherwise.
 * One context for raw TLS (data endpoint, TLS proxy), one with gRPC's ALPN settings for the agent endpoint.
 */
public final class TlsMaterial {

    private final SslContext raw;
    private final SslContext grpc;

    private TlsMaterial(SslContext raw, SslContext grpc) {
        this.raw = raw;
        this.grpc = grpc;
    }

    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** Loads both contexts; a bad file fails with an IllegalArgumentException that names no secret. */
    public static TlsMaterial load(Path certificate, Path key) {
        try {
            SslContext raw = SslContextBuilder.forServer(certificate.toFile(), key.toFile())
                    .sslProvider(provider()).build();
            SslContext grpc = GrpcSslContexts.configure(
                    SslContextBuilder.forServer(certificate.toFile(), key.toFile()), provider()).build();
            return new TlsMaterial(raw, grpc);
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load the certificate and key: "
                    + rootMessage(e), e);
        }
    }

    public SslContext raw() {
        return raw;
    }

    public SslContext grpc() {
        return grpc;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
