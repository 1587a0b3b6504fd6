package io.secureconnect.policy.testsupport;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.testing.FreePorts;
import io.secureconnect.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What connector-policy needs around it in tests: a fresh Ed25519 signing key (the public half is published as
 * {@code secureconnect.test.public-key-file} so tests verify issued credentials), and in-test gRPC servers for
 * key-validator and tunnel-registry on free loopback ports (see their classes for why they are fakes).
 * Init arg {@code dependencies=down} points both clients at ports where nothing listens.
 */
public class PolicyTestDependencies implements QuarkusTestResourceLifecycleManager {

    public static final String PUBLIC_KEY_FILE = "secureconnect.test.public-key-file";
    public static final String REGISTRY_PORT = "quarkus.grpc.clients.registry.test-port";
    /** The issuers' public base URL in tests; clouds would reach it, tests call the local port instead. */
    public static final String OIDC_BASE_URL = "https://policy.test.secureconnect.example";
    /** The key-encryption key of the run (base64), so that tests can open what the service sealed. */
    public static final String OIDC_KEK = "secureconnect.policy.oidc.key-encryption-key";

    private boolean down;
    private Path directory;
    private Server keyValidator;
    private Server registry;

    @Override
    public void init(Map<String, String> initArgs) {
        down = "down".equals(initArgs.get("dependencies"));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        try {
            directory = Files.createTempDirectory("connector-policy-test");
            KeyPair keys = Ed25519Keys.generate();
            Path privateKey = Files.writeString(directory.resolve("signing-key.pem"), Ed25519Keys.pem(keys.getPrivate()));
            Path publicKey = Files.writeString(directory.resolve("signing-key.pub.pem"), Ed25519Keys.pem(keys.getPublic()));
            config.put("secureconnect.policy.credential-signing-key-file", privateKey.toString());
            config.put(PUBLIC_KEY_FILE, publicKey.toString());
            int keyValidatorPort = FreePorts.next();
            int registryPort = FreePorts.next();
            if (!down) {
                keyValidator = serve(keyValidatorPort, "service/key-validator",
                        FakeKeyValidator.withClientAddress(new FakeKeyValidator()));
                registry = serve(registryPort, "service/tunnel-registry", new FakeTunnelRegistry().bindService());
            }
            // In test mode Quarkus points gRPC clients at the application itself unless test-port is set.
            config.put("quarkus.grpc.clients.keyvalidator.host", "127.0.0.1");
            config.put("quarkus.grpc.clients.keyvalidator.test-port", String.valueOf(keyValidatorPort));
            config.put("quarkus.grpc.clients.registry.host", "127.0.0.1");
            config.put(REGISTRY_PORT, String.valueOf(registryPort));
            config.put("secureconnect.policy.dependency-timeout", "PT5S");
            // The OIDC issuer is on in tests, with a fresh key-encryption key per run.
            byte[] kek = new byte[32];
            new java.security.SecureRandom().nextBytes(kek);
            config.put("secureconnect.policy.oidc.enabled", "true");
            config.put("secureconnect.policy.oidc.public-base-url", OIDC_BASE_URL + "/");
            config.put(OIDC_KEK, java.util.Base64.getEncoder().encodeToString(kek));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        for (Server server : new Server[] {keyValidator, registry}) {
            if (server != null) {
                server.shutdownNow();
            }
        }
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // a temp directory left behind is harmless
            }
        }
    }

    /** As the real service serves: TLS as its identity, a client certificate of the test PKI demanded. */
    private static Server serve(int port, String identity, ServerServiceDefinition service) throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .sslContext(TestPki.serverContext(TestPki.shared().identity(identity))).addService(service).build()
                .start();
    }
}
