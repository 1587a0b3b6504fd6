package io.secureconnect.registry;

import io.secureconnect.proto.tunnelregistry.v1.TunnelRegistryGrpc;
import io.secureconnect.testing.FreePorts;
import io.secureconnect.testing.LocalPostgres;
import io.secureconnect.testing.TestPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One tunnel-registry as an OS process: the packaged application ({@code target/quarkus-app}) on a free loopback
 * port against a given database, its output in {@code target/it-logs/registry-<name>.log}. Its database
 * connections carry the application name {@code tunnel-registry-<name>}, so a test can see in
 * {@code pg_stat_activity} when a killed replica's sessions are gone.
 */
final class RegistryProcess implements AutoCloseable {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final Path LOGS = Path.of("target/it-logs");

    private final String name;
    private final int port;
    private final int managementPort;
    private final Process process;
    private final Path log;
    private final IdentityRoutingChannel channel;

    private RegistryProcess(String name, int port, int grpcPort, int managementPort, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        this.log = log;
        this.channel = new IdentityRoutingChannel(grpcPort);
    }

    /**
     * Starts the packaged registry as deployed: REST on one port, gRPC on another; {@code keyValidatorPort} is where
     * its key-validator client points.
     */
    static RegistryProcess start(String name, String database, int keyValidatorPort) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException("package the application first (mvn verify runs this after package)");
        }
        Files.createDirectories(LOGS);
        int port = FreePorts.next();
        int grpcPort = FreePorts.next();
        int managementPort = FreePorts.next();
        Path log = LOGS.resolve("registry-" + name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx256m",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dsecureconnect.identity.dir=" + TestPki.shared().identity("service/tunnel-registry"),
                "-Dquarkus.grpc.server.host=127.0.0.1",
                "-Dquarkus.grpc.server.port=" + grpcPort,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dquarkus.datasource.jdbc.url=" + LocalPostgres.jdbcUrl(database),
                "-Dquarkus.datasource.username=" + LocalPostgres.user(),
                "-Dquarkus.datasource.password=" + LocalPostgres.password(),
                "-Dquarkus.datasource.jdbc.additional-jdbc-properties.ApplicationName=" + applicationName(name),
                "-Dquarkus.grpc.clients.keyvalidator.host=127.0.0.1",
                "-Dquarkus.grpc.clients.keyvalidator.port=" + keyValidatorPort,
                "-jar", JAR.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new RegistryProcess(name, port, grpcPort, managementPort, process, log);
    }

    static String applicationName(String name) {
        return "tunnel-registry-" + name;
    }

    String name() {
        return name;
    }

    String applicationName() {
        return applicationName(name);
    }

    Path log() {
        return log;
    }

    /** A blocking stub with a 20 s deadline per call. */
    TunnelRegistryGrpc.TunnelRegistryBlockingStub registry() {
        return TunnelRegistryGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    /** Waits until {@code /q/health/ready} answers 200 (migrations done, database reachable). */
    void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("registry " + name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("registry " + name + " not ready within " + timeout + "; see " + log);
    }

    /** The Prometheus exposition of {@code /q/metrics}. */
    String metrics() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("/q/metrics of registry " + name + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** kill -9: no shutdown hook runs, open calls and database sessions are cut. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("registry " + name + " survived SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
