package io.secureconnect.common.identity;

import io.secureconnect.common.startup.StartupProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * This process's own identity: {@code secureconnect.identity.dir}, a directory as a Kubernetes TLS secret mounts it
 * (and {@code scripts/lib/pki.sh} writes it), holding {@code tls.crt} (this process's certificate, whose URI SAN
 * names it, see {@link Peer}), {@code tls.key} (its PKCS#8 private key), {@code ca.crt} (the deployment's CA, which
 * every peer's certificate must chain to) and {@code truststore.p12} (the same CA as PKCS#12, for the gRPC server;
 * its password is {@code secureconnect.identity.truststore-password}, not a secret: it holds no key).
 * Required by every service and gateway: without it no caller could be authenticated, so they refuse to start.
 */
public final class IdentityFiles {

    public static final String SETTING = "secureconnect.identity.dir";
    public static final List<String> FILES = List.of("tls.crt", "tls.key", "ca.crt", "truststore.p12");

    private IdentityFiles() {
    }

    /** Why this process cannot start as {@code expected}, if it cannot. */
    public static Optional<StartupProblem> problem(Optional<String> dir, Peer expected) {
        if (dir.isEmpty() || dir.get().isBlank()) {
            return problem("", "is not set; every gRPC caller is authenticated by its certificate, so this process "
                    + "needs its own: a directory with " + String.join(", ", FILES) + " naming " + expected.uri()
                    + " (scripts/lib/pki.sh issues one)");
        }
        Path root = Path.of(dir.get());
        for (String file : FILES) {
            if (!Files.isReadable(root.resolve(file))) {
                return problem(dir.get(), "has no readable " + file + " (needs " + String.join(", ", FILES) + ")");
            }
        }
        try {
            X509Certificate own = first(root.resolve("tls.crt"));
            X509Certificate ca = first(root.resolve("ca.crt"));
            Optional<Peer> peer = Peer.of(own);
            if (peer.isEmpty()) {
                return problem(dir.get(), "tls.crt names no identity: it needs one subject alternative name "
                        + expected.uri());
            }
            if (!peer.get().equals(expected)) {
                return problem(dir.get(), "tls.crt names " + peer.get().uri() + " but this process is "
                        + expected.uri());
            }
            own.checkValidity();
            own.verify(ca.getPublicKey());
        } catch (GeneralSecurityException | IOException e) {
            return problem(dir.get(), "tls.crt must be a current certificate issued by ca.crt (" + e.getMessage()
                    + ")");
        }
        return Optional.empty();
    }

    private static X509Certificate first(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static Optional<StartupProblem> problem(String value, String reason) {
        return Optional.of(new StartupProblem(SETTING, value, reason));
    }
}
