package io.secureconnect.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Gives the service under test its identity from the test run's {@link TestPki} ({@code secureconnect.identity.dir}),
 * its own gRPC server port (its TLS server never shares the HTTP port, as deployed) and its own management port
 * ({@code /q/metrics}, off the REST port). The init arg {@code peer}
 * names it, e.g. {@code service/key-validator}. Use once per module with
 * {@code @QuarkusTestResource(value = IdentityResource.class, restrictToAnnotatedClass = false, initArgs = ...)}.
 */
public class IdentityResource implements QuarkusTestResourceLifecycleManager {

    public static final String GRPC_TEST_PORT = "quarkus.grpc.server.test-port";
    public static final String MANAGEMENT_TEST_PORT = "quarkus.management.test-port";
    private String peer;

    @Override
    public void init(Map<String, String> initArgs) {
        peer = initArgs.get("peer");
        if (peer == null) {
            throw new IllegalArgumentException("IdentityResource needs the init arg 'peer', e.g. service/key-validator");
        }
    }

    @Override
    public Map<String, String> start() {
        return Map.of("secureconnect.identity.dir", TestPki.shared().identity(peer).toString(),
                GRPC_TEST_PORT, String.valueOf(FreePorts.next()),
                MANAGEMENT_TEST_PORT, String.valueOf(FreePorts.next()));
    }

    @Override
    public void stop() {
        // The PKI's files live until the JVM ends; other test runs of the module reuse them.
    }

    /** The management port of the service under test ({@code /q/metrics} is there, on 127.0.0.1). */
    public static int managementPort() {
        return ConfigProvider.getConfig().getValue(MANAGEMENT_TEST_PORT, Integer.class);
    }

    /** The gRPC port of the service under test (from a test, while it runs). */
    public static int grpcPort() {
        return ConfigProvider.getConfig().getValue(GRPC_TEST_PORT, Integer.class);
    }
}
