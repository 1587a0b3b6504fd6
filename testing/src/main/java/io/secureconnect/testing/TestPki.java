package io.secureconnect.testing;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The deployment PKI of a test run, made by the real openssl as {@code scripts/lib/pki.sh} makes it: a CA and, on
 * demand, an identity directory per peer ({@code tls.crt} naming {@code spiffe://secureconnect/<kind>/<name>},
 * {@code tls.key}, {@code ca.crt}, {@code truststore.p12}), laid out as services read it
 * ({@code secureconnect.identity.dir}). {@link #stranger()} is a second CA, for "a certificate from elsewhere is
 * refused" tests. One per JVM; the files live in a temporary directory.
 */
public final class TestPki {

    /** The truststore.p12 password, as every service's default (not a secret: the store holds no key). */
    public static final String TRUSTSTORE_PASSWORD = "secureconnect";
    private static final Map<String, TestPki> AUTHORITIES = new ConcurrentHashMap<>();

    private final Path dir;
    private final Map<String, Path> identities = new ConcurrentHashMap<>();

    private TestPki(Path dir) {
        this.dir = dir;
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=secure-connect test CA "
                        + dir.getFileName());
    }

    /** The deployment's CA of this test run. */
    public static TestPki shared() {
        return authority("deployment");
    }

    /** A CA nobody trusts: certificates it issues must be refused everywhere. */
    public static TestPki stranger() {
        return authority("stranger");
    }

    private static TestPki authority(String name) {
        return AUTHORITIES.computeIfAbsent(name, ignored -> {
            try {
                return new TestPki(Files.createTempDirectory("test-pki-" + name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    public Path ca() {
        return dir.resolve("ca.pem");
    }

    /** The identity directory of {@code kind/name} (e.g. {@code gateway/gw-a}), issued on first use. */
    public Path identity(String peer) {
        return identities.computeIfAbsent(peer, ignored -> issue(peer, "URI:spiffe://secureconnect/" + peer));
    }

    /** A certificate of this CA that names no identity (no URI SAN): its holder is nobody. */
    public Path anonymous() {
        return identities.computeIfAbsent("(none)", ignored -> issue("none/anonymous", null));
    }

    private Path issue(String peer, String uri) {
        String name = peer.replace('/', '-');
        Path out = dir.resolve(name);
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("req.ext"), "subjectAltName=" + (uri == null ? "" : uri + ",")
                    + "DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                    + "extendedKeyUsage=serverAuth,clientAuth\n");
            openssl(out, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "key.pem", "-out", "req.csr", "-subj", "/CN=" + name);
            openssl(out, "x509", "-req", "-in", "req.csr", "-CA", ca().toString(), "-CAkey",
                    dir.resolve("ca.key").toString(), "-CAcreateserial", "-out", "tls.crt", "-days", "2",
                    "-extfile", "req.ext");
            openssl(out, "pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-out", "tls.key");
            Files.copy(ca(), out.resolve("ca.crt"));
            truststore(out.resolve("truststore.p12"));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void truststore(Path target) throws IOException {
        try (InputStream in = Files.newInputStream(ca()); OutputStream out = Files.newOutputStream(target)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("secureconnect-ca", CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
            store.store(out, TRUSTSTORE_PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A gRPC client context presenting {@code identity}'s certificate and trusting only this CA. */
    public static SslContext clientContext(Path identity) {
        try {
            return GrpcSslContexts.forClient().keyManager(identity.resolve("tls.crt").toFile(),
                    identity.resolve("tls.key").toFile()).trustManager(identity.resolve("ca.crt").toFile()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gRPC client context with no certificate of its own (an anonymous caller) that trusts this CA. */
    public SslContext anonymousClientContext() {
        try {
            return GrpcSslContexts.forClient().trustManager(ca().toFile()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gRPC server context for a fake of ours: serves as {@code identity}, demands a client certificate. */
    public static SslContext serverContext(Path identity) {
        try {
            return GrpcSslContexts.forServer(identity.resolve("tls.crt").toFile(),
                    identity.resolve("tls.key").toFile()).trustManager(identity.resolve("ca.crt").toFile())
                    .clientAuth(ClientAuth.REQUIRE).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("openssl.log").toFile()).start();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + args[0] + " failed: "
                        + Files.readString(dir.resolve("openssl.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
