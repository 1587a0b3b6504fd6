package io.secureconnect.gateway.support;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.secureconnect.common.credential.Ed25519Keys;
import io.secureconnect.testing.TestPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;

/**
 * Everything the gateway under test talks to, started once for the test run: in-test gRPC fakes of key-validator and
 * tunnel-registry (port 0, TLS demanding the gateway's certificate of the test PKI), TLS material from openssl and the credential signing key. Every gateway listener binds
 * port 0 on loopback.
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String GATEWAY_ID = "gw-test";
    /** Short, so the 504 and the hang-up tests are quick; the default (10 s) is pinned elsewhere. */
    public static final String DIAL_TIMEOUT = "3s";
    public static final int DATA_POOL_SIZE = 3;
    public static final String DATA_POOL_IDLE_TIMEOUT = "3s";
    public static final String REVOCATION_MAX_STALENESS = "4s";

    private static volatile Fixtures fixtures;
    private Server keysServer;
    private Server registryServer;

    /** What tests share: the fakes, the TLS files and the key that signs build credentials. */
    public record Fixtures(FakeKeyValidator keys, FakeRegistry registry, TestTls tls, KeyPair credentialKeys) {
    }

    public static Fixtures fixtures() {
        return fixtures;
    }

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("gateway-test");
            TestTls tls = TestTls.create(dir);
            KeyPair credentialKeys = Ed25519Keys.generate();
            Path verifyKey = dir.resolve("credential-verify.pem");
            Files.writeString(verifyKey, Ed25519Keys.pem(credentialKeys.getPublic()));
            FakeKeyValidator keys = new FakeKeyValidator();
            FakeRegistry registry = new FakeRegistry();
            // As the real services serve: TLS as their identity, the gateway's client certificate demanded.
            keysServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .sslContext(TestPki.serverContext(TestPki.shared().identity("service/key-validator")))
                    .addService(keys.definition()).build().start();
            registryServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .sslContext(TestPki.serverContext(TestPki.shared().identity("service/tunnel-registry")))
                    .addService(registry).build().start();
            fixtures = new Fixtures(keys, registry, tls, credentialKeys);
            return Map.ofEntries(
                    Map.entry("quarkus.grpc.clients.keyvalidator.host", "127.0.0.1"),
                    // In tests Quarkus dials a client's test-port, not its port.
                    Map.entry("quarkus.grpc.clients.keyvalidator.test-port", String.valueOf(keysServer.getPort())),
                    Map.entry("quarkus.grpc.clients.registry.host", "127.0.0.1"),
                    Map.entry("quarkus.grpc.clients.registry.test-port", String.valueOf(registryServer.getPort())),
                    Map.entry("secureconnect.gateway.id", GATEWAY_ID),
                    Map.entry("secureconnect.identity.dir",
                            TestPki.shared().identity("gateway/" + GATEWAY_ID).toString()),
                    Map.entry("secureconnect.gateway.bind-host", "127.0.0.1"),
                    Map.entry("secureconnect.gateway.public-host", "127.0.0.1"),
                    Map.entry("secureconnect.gateway.agent-port", "0"),
                    Map.entry("secureconnect.gateway.data-port", "0"),
                    Map.entry("secureconnect.gateway.proxy-ports", "0"),
                    Map.entry("secureconnect.gateway.tls.certificate", tls.certificate().toString()),
                    Map.entry("secureconnect.gateway.tls.key", tls.key().toString()),
                    Map.entry("secureconnect.gateway.credential-verify-key", verifyKey.toString()),
                    Map.entry("secureconnect.gateway.dial-timeout", DIAL_TIMEOUT),
                    Map.entry("secureconnect.gateway.heartbeat-interval", "1s"),
                    // Test agents do not move on HandOver: the gateway says Goodbye after this at shutdown.
                    Map.entry("secureconnect.gateway.hand-over-timeout", "1s"),
                    // KeyValidatorOutageTest waits this out.
                    Map.entry("secureconnect.gateway.revocation-max-staleness", REVOCATION_MAX_STALENESS),
                    Map.entry("secureconnect.gateway.data-pool-size", String.valueOf(DATA_POOL_SIZE)),
                    Map.entry("secureconnect.gateway.data-pool-idle-timeout", DATA_POOL_IDLE_TIMEOUT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (keysServer != null) {
            keysServer.shutdownNow();
        }
        if (registryServer != null) {
            registryServer.shutdownNow();
        }
    }
}
