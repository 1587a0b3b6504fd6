package io.secureconnect.e2e.oidc;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.secureconnect.e2e.fixture.CloudSide;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.e2e.fixture.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The control plane and gateways as the real packaged applications against the shared {@link KeycloakServer}, each
 * process configured exactly as deploy/keycloak/README.md "Turning it on" says: its own identity (a certificate
 * of this run's PKI, made by scripts/lib/pki.sh), OIDC on in the three services, and its own client-credentials
 * token on the gRPC calls of tunnel-registry, connector-policy and gateways. Those settings go through
 * {@link #documented}, which refuses any name the README does not show ({@link OidcReadme}). Services listen on
 * loopback (REST and gRPC ports of their own, fresh databases on the local PostgreSQL); gRPC clients name the gRPC
 * ports. Callers of the tests reach gRPC over TLS trusting the CA, without a client certificate
 * ({@link #tlsChannel}): they are who their tokens say.
 */
final class OidcCloud implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(180);
    /** The tunnel port pool of tunnel-registry (its default). */
    private static final int FIRST_TUNNEL_PORT = 30000;
    private static final int LAST_TUNNEL_PORT = 30099;

    final KeycloakServer keycloak;
    final Path pki;
    final int keyValidatorPort = freePort();
    final int keyValidatorGrpcPort = freePort();
    final int registryPort = freePort();
    final int registryGrpcPort = freePort();
    final int policyPort = freePort();
    final int policyGrpcPort = freePort();

    private final Path repo = Path.of("..").toAbsolutePath().normalize();
    private final Path logs;
    private final String prefix;
    private final OidcReadme readme = OidcReadme.read();
    private final Set<String> documentedNamesUsed = new TreeSet<>();
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final List<String> databases = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    /** {@code name} keeps this run's logs, PKI and databases apart from other tests'. */
    OidcCloud(KeycloakServer keycloak, String name) {
        this.keycloak = keycloak;
        Path work = Path.of("target", name).toAbsolutePath();
        this.logs = work.resolve("logs");
        this.pki = work.resolve("pki");
        this.prefix = "sc_" + name.replace('-', '_') + "_";
        Shell.ok("bash", "-c", "source " + repo.resolve("scripts/lib/pki.sh") + " && pki_ensure " + pki);
    }

    ManagedProcess startKeyValidator() {
        return service("key-validator", keyValidatorPort, keyValidatorGrpcPort, Map.of(
                "SECURECONNECT_KEYS_PEPPER", UUID.randomUUID() + "-" + UUID.randomUUID(),
                "SECURECONNECT_KEYS_BOOTSTRAP_ENABLED", "false"));
    }

    ManagedProcess startRegistry() {
        Map<String, String> env = new HashMap<>(keyValidatorClient());
        env.putAll(serviceToken("tunnel-registry"));
        return service("tunnel-registry", registryPort, registryGrpcPort, env);
    }

    ManagedProcess startPolicy() {
        Map<String, String> env = new HashMap<>(keyValidatorClient());
        env.putAll(registryClient());
        env.putAll(serviceToken("connector-policy"));
        env.put("SECURECONNECT_POLICY_CREDENTIAL_SIGNING_KEY_FILE", pki.resolve("credential-signing.pem").toString());
        return service("connector-policy", policyPort, policyGrpcPort, env);
    }

    /**
     * A gateway with OIDC client credentials on, as the README says; {@code clientId} is its Keycloak client
     * (set only when it is not the default {@code gateway}, as the README says) and {@code secret} that client's.
     */
    Gateway startGateway(String gatewayId, String clientId, String secret) {
        Gateway gateway = new Gateway(gatewayId, freePort(), freePort(), freePort(), freePort(), tunnelPort());
        Map<String, String> env = new HashMap<>(keyValidatorClient());
        env.putAll(registryClient());
        env.putAll(identity("gateway", gatewayId));
        Map<String, String> token = new HashMap<>(Map.of(
                "SECURECONNECT_SERVICE_TOKEN_ENABLED", "true",
                "SECURECONNECT_SERVICE_TOKEN_AUTH_SERVER_URL", keycloak.realmUrl(),
                "SECURECONNECT_SERVICE_TOKEN_CLIENT_SECRET", secret));
        if (!clientId.equals("gateway")) {
            token.put("SECURECONNECT_SERVICE_TOKEN_CLIENT_ID", clientId);
        }
        env.putAll(documented(token));
        env.putAll(Map.of(
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", String.valueOf(gateway.httpPort),
                "SECURECONNECT_GATEWAY_ID", gatewayId,
                "SECURECONNECT_GATEWAY_BIND_HOST", "127.0.0.1",
                "SECURECONNECT_GATEWAY_PUBLIC_HOST", "localhost",
                "SECURECONNECT_GATEWAY_AGENT_PORT", String.valueOf(gateway.agentPort),
                "SECURECONNECT_GATEWAY_DATA_PORT", String.valueOf(gateway.dataPort),
                "SECURECONNECT_GATEWAY_PROXY_PORTS", String.valueOf(gateway.proxyPort)));
        env.putAll(Map.of(
                "SECURECONNECT_GATEWAY_TLS_CERTIFICATE", pki.resolve("gateway.pem").toString(),
                "SECURECONNECT_GATEWAY_TLS_KEY", pki.resolve("gateway-key.p8.pem").toString(),
                "SECURECONNECT_GATEWAY_CREDENTIAL_VERIFY_KEY", pki.resolve("credential-verify.pem").toString()));
        gateway.process = start(gatewayId, "gateway", env);
        return gateway;
    }

    /** The agent, as a customer runs it (its five settings), dialling {@code gateway}'s agent endpoint. */
    ManagedProcess startAgent(String name, Gateway gateway, String apiKey) {
        ManagedProcess agent = ManagedProcess.start(name, List.of("java", "-jar",
                repo.resolve("agent/target/agent-runner.jar").toString()), Map.of(
                        "REMOTE_PORT", String.valueOf(gateway.tunnelPort),
                        "REMOTE_SERVER", "localhost:" + gateway.agentPort,
                        "API_KEY", apiKey,
                        "GATEWAY_CA", pki.resolve("ca.pem").toString(),
                        "ALLOW", "git.private.example",
                        "QUARKUS_HTTP_PORT", "0"), logs);
        processes.add(agent);
        return agent;
    }

    /** gRPC over TLS to a loopback port, trusting this run's CA and presenting no certificate. */
    synchronized ManagedChannel tlsChannel(int port) {
        try {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .sslContext(GrpcSslContexts.forClient().trustManager(pki.resolve("ca.pem").toFile()).build())
                    .build();
            channels.add(channel);
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code authorization: Bearer <token>} on every call. */
    static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** The README's settings the processes were given so far. */
    Set<String> documentedNamesUsed() {
        return Set.copyOf(documentedNamesUsed);
    }

    OidcReadme readme() {
        return readme;
    }

    /** Everything the processes logged so far. */
    String logs() {
        StringBuilder all = new StringBuilder();
        processes.forEach(process -> all.append(process.logText()));
        return all.toString();
    }

    static String health(int port) {
        return "http://127.0.0.1:" + port + "/q/health/ready";
    }

    /**
     * A gateway process and its ports. Its agent leases {@link #tunnelPort} of the pool; the proxy listens on
     * {@link #proxyPort}, a free port outside the pool, so that these tests do not depend on which pool ports other
     * gateways on this machine hold (the proxy's data path is TunnelEndToEndIT's).
     */
    static final class Gateway {
        final String id;
        final int httpPort;
        final int agentPort;
        final int dataPort;
        final int proxyPort;
        final int tunnelPort;
        ManagedProcess process;

        Gateway(String id, int httpPort, int agentPort, int dataPort, int proxyPort, int tunnelPort) {
            this.id = id;
            this.httpPort = httpPort;
            this.agentPort = agentPort;
            this.dataPort = dataPort;
            this.proxyPort = proxyPort;
            this.tunnelPort = tunnelPort;
        }
    }

    private ManagedProcess service(String name, int port, int grpcPort, Map<String, String> extra) {
        String database = prefix + name.replace('-', '_') + "_" + UUID.randomUUID().toString().substring(0, 8);
        Shell.ok("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", "create database " + database);
        databases.add(database);
        Map<String, String> env = new HashMap<>(extra);
        env.putAll(Map.of(
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", String.valueOf(port),
                "QUARKUS_GRPC_SERVER_HOST", "127.0.0.1",
                "QUARKUS_GRPC_SERVER_PORT", String.valueOf(grpcPort),
                "QUARKUS_MANAGEMENT_HOST", "127.0.0.1",
                "QUARKUS_MANAGEMENT_PORT", String.valueOf(freePort()),
                "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/" + database));
        env.putAll(identity("service", name));
        env.putAll(documented(Map.of(
                "QUARKUS_OIDC_TENANT_ENABLED", "true",
                "QUARKUS_OIDC_AUTH_SERVER_URL", keycloak.realmUrl())));
        return start(name, name, env);
    }

    private ManagedProcess start(String name, String module, Map<String, String> env) {
        ManagedProcess process = ManagedProcess.start(name, List.of("java", "-jar",
                repo.resolve(module).resolve("target/quarkus-app/quarkus-run.jar").toString()), env, logs);
        processes.add(process);
        return process;
    }

    /** This process's identity directory (scripts/lib/pki.sh pki_identity). */
    private Map<String, String> identity(String kind, String name) {
        String printed = Shell.ok("bash", "-c", "source " + repo.resolve("scripts/lib/pki.sh") + " && pki_identity "
                + pki + " " + kind + " " + name).trim();
        String dir = printed.substring(printed.lastIndexOf('\n') + 1);
        return documented(Map.of("SECURECONNECT_IDENTITY_DIR", dir));
    }

    private Map<String, String> serviceToken(String client) {
        return documented(Map.of(
                "SECURECONNECT_SERVICE_TOKEN_ENABLED", "true",
                "SECURECONNECT_SERVICE_TOKEN_AUTH_SERVER_URL", keycloak.realmUrl(),
                "SECURECONNECT_SERVICE_TOKEN_CLIENT_SECRET", keycloak.clientSecret(client)));
    }

    private Map<String, String> keyValidatorClient() {
        return Map.of("QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_HOST", "127.0.0.1",
                "QUARKUS_GRPC_CLIENTS_KEYVALIDATOR_PORT", String.valueOf(keyValidatorGrpcPort));
    }

    private Map<String, String> registryClient() {
        return Map.of("QUARKUS_GRPC_CLIENTS_REGISTRY_HOST", "127.0.0.1",
                "QUARKUS_GRPC_CLIENTS_REGISTRY_PORT", String.valueOf(registryGrpcPort));
    }

    /** The README's settings, refused when the README does not show the name. */
    private Map<String, String> documented(Map<String, String> settings) {
        for (String name : settings.keySet()) {
            if (!readme.documents(name)) {
                throw new IllegalStateException(name + " is not a setting " + OidcReadme.FILE
                        + " shows in 'Turning it on'");
            }
        }
        documentedNamesUsed.addAll(settings.keySet());
        return settings;
    }

    /** Below the ephemeral range, never twice in a run: {@link CloudSide#restartablePort()}. */
    static int freePort() {
        return CloudSide.restartablePort();
    }

    /** A port of the tunnel pool, for this test's own tunnel-registry (its database is this test's alone). */
    private static int tunnelPort() {
        return FIRST_TUNNEL_PORT + ThreadLocalRandom.current().nextInt(LAST_TUNNEL_PORT - FIRST_TUNNEL_PORT + 1);
    }

    @Override
    public void close() {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        for (String database : databases) {
            Shell.quietly("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                    "drop database if exists " + database + " with (force)");
        }
    }
}
