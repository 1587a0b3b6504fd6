package io.secureconnect.e2e.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secureconnect.e2e.fixture.CloudSide;
import io.secureconnect.e2e.fixture.ManagedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real Keycloak ({@code org.keycloak:keycloak-quarkus-dist}, unpacked into target/keycloak by the build), in
 * development mode on a free loopback port with an in-memory database, the realm of
 * {@code deploy/keycloak/secureconnect-realm.json} imported. Started once per test JVM ({@link #shared()}) and
 * stopped when the JVM exits. Tokens come from its token endpoint by client credentials, with the client secrets of
 * the realm file (development values, not secrets of any real deployment).
 */
public final class KeycloakServer {

    public static final String REALM = "secureconnect";
    static final String VERSION = "26.5.6";
    private static final Path HOME = Path.of("target", "keycloak", "keycloak-" + VERSION).toAbsolutePath();
    private static final Path REALM_FILE = Path.of("..", "deploy", "keycloak", "secureconnect-realm.json")
            .toAbsolutePath().normalize();
    // Keycloak 26 needs Java 21+; the machine's default JDK is 17.
    private static final Path JAVA_HOME = Path.of(System.getenv().getOrDefault("KEYCLOAK_JAVA_HOME",
            "/usr/lib/jvm/temurin-25-jdk-amd64"));
    // The first start in a fresh target/keycloak also builds Keycloak for this configuration (about a minute).
    private static final Duration START = Duration.ofSeconds(300);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static KeycloakServer shared;

    public final int port;
    private final ManagedProcess process;
    private final JsonNode realm;

    private KeycloakServer(int port, ManagedProcess process, JsonNode realm) {
        this.port = port;
        this.process = process;
        this.realm = realm;
    }

    /** The one Keycloak of this test run, started on first use. */
    public static synchronized KeycloakServer shared() {
        if (shared == null) {
            shared = start(Path.of("target", "e2e-oidc", "logs").toAbsolutePath());
            Runtime.getRuntime().addShutdownHook(new Thread(shared.process::close, "keycloak-stop"));
        }
        return shared;
    }

    static KeycloakServer start(Path logs) {
        if (!Files.isExecutable(HOME.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(HOME + " is missing: the e2e build unpacks org.keycloak:keycloak-quarkus-dist:"
                    + VERSION + ":zip there (./mvnw -pl e2e verify)");
        }
        if (!Files.isExecutable(JAVA_HOME.resolve("bin/java"))) {
            throw new IllegalStateException("Keycloak " + VERSION + " needs a JDK 21+: none at " + JAVA_HOME
                    + " (set KEYCLOAK_JAVA_HOME)");
        }
        try {
            Path imports = Files.createDirectories(HOME.resolve("data/import"));
            Files.copy(REALM_FILE, imports.resolve(REALM_FILE.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            JsonNode realm = JSON.readTree(REALM_FILE.toFile());
            int port = freePort();
            ManagedProcess process = ManagedProcess.start("keycloak", List.of(HOME.resolve("bin/kc.sh").toString(),
                    "start-dev", "--http-host", "127.0.0.1", "--http-port", String.valueOf(port),
                    "--http-management-port", String.valueOf(freePort()), "--db", "dev-mem", "--import-realm"),
                    Map.of("JAVA_HOME", JAVA_HOME.toString(),
                            "KC_BOOTSTRAP_ADMIN_USERNAME", "e2e-admin",
                            // A throwaway admin password: nobody logs in to this Keycloak.
                            "KC_BOOTSTRAP_ADMIN_PASSWORD", UUID.randomUUID().toString()),
                    logs);
            KeycloakServer server = new KeycloakServer(port, process, realm);
            try {
                process.awaitHttpOk(server.realmUrl() + "/.well-known/openid-configuration", START);
            } catch (RuntimeException e) {
                process.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The issuer and {@code quarkus.oidc.auth-server-url} of the realm. */
    public String realmUrl() {
        return "http://127.0.0.1:" + port + "/realms/" + REALM;
    }

    /** The secret of a confidential client of the realm file. */
    public String clientSecret(String clientId) {
        for (JsonNode client : realm.path("clients")) {
            if (clientId.equals(client.path("clientId").asText())) {
                return client.path("secret").asText();
            }
        }
        throw new IllegalArgumentException("the realm has no client " + clientId);
    }

    /** The value of a hard-coded claim the realm file puts into {@code clientId}'s tokens (e.g. its gateway_id). */
    public String hardcodedClaim(String clientId, String claim) {
        for (JsonNode client : realm.path("clients")) {
            if (!clientId.equals(client.path("clientId").asText())) {
                continue;
            }
            for (JsonNode mapper : client.path("protocolMappers")) {
                if ("oidc-hardcoded-claim-mapper".equals(mapper.path("protocolMapper").asText())
                        && claim.equals(mapper.path("config").path("claim.name").asText())) {
                    return mapper.path("config").path("claim.value").asText();
                }
            }
        }
        throw new IllegalArgumentException("the realm gives " + clientId + " no hard-coded claim " + claim);
    }

    /** A fresh access token of {@code clientId} by the client credentials grant. */
    public String clientCredentialsToken(String clientId) {
        String form = "grant_type=client_credentials&client_id=" + encode(clientId) + "&client_secret="
                + encode(clientSecret(clientId));
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create(realmUrl() + "/protocol/openid-connect/token"))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("Keycloak refused client credentials of " + clientId + ": "
                        + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String logText() {
        return process.logText();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Below the ephemeral range, never twice in a run: {@link CloudSide#restartablePort()}. */
    static int freePort() {
        return CloudSide.restartablePort();
    }
}
