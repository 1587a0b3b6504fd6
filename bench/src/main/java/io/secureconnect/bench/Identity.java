package io.secureconnect.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.secureconnect.common.identity.Peer;
import io.secureconnect.common.identity.PeerKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Who a load generator is on the gRPC wire: an identity directory of {@code scripts/lib/pki.sh} ({@code tls.crt}
 * naming {@code spiffe://secureconnect/<kind>/<name>}, {@code tls.key}, {@code ca.crt}), presented as the client
 * certificate of every channel opened with {@link #channel}. Every gRPC method of ours refuses a caller without one.
 */
record Identity(Path dir, Peer peer) {

    /** Reads {@code dir}; fails with the directory's name when its certificate names no identity of ours. */
    static Identity of(String dir) {
        Path root = Path.of(dir);
        try (InputStream in = Files.newInputStream(root.resolve("tls.crt"))) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            return new Identity(root, Peer.of(certificate).orElseThrow(() -> new IllegalArgumentException(
                    root + "/tls.crt names no " + Peer.URI_PREFIX + "<kind>/<name> identity")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(root + "/tls.crt is not a certificate", e);
        }
    }

    /**
     * A TLS channel to {@code host:port} presenting this identity and trusting the deployment's CA ({@code ca.crt}).
     * Answers are handled on the channel's event loop (direct executor): the benchmarks' callbacks only record and
     * start the next call.
     */
    ManagedChannel channel(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            return NettyChannelBuilder.forAddress(hostPort.substring(0, colon),
                            Integer.parseInt(hostPort.substring(colon + 1)))
                    .sslContext(GrpcSslContexts.forClient()
                            .keyManager(dir.resolve("tls.crt").toFile(), dir.resolve("tls.key").toFile())
                            .trustManager(dir.resolve("ca.crt").toFile()).build())
                    .directExecutor().build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The gateway id this identity acts as, which every registry request must name (else PERMISSION_DENIED
     * GATEWAY_MISMATCH); fails unless the certificate is a gateway's.
     */
    String gatewayId() {
        if (peer.kind() != PeerKind.GATEWAY) {
            throw new IllegalArgumentException(dir + " is " + peer + ": the registry's lease methods admit only a "
                    + "gateway (pki_identity DIR gateway NAME)");
        }
        return peer.name();
    }
}
