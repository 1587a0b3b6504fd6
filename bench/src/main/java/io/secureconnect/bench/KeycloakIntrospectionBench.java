package io.secureconnect.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * The baseline of ValidateToken: Keycloak's token introspection (RFC 7662) with client-secret authentication,
 * driven by the same closed loop as {@link ValidateTokenBench}: {@code --callers} threads, each with a
 * keep-alive HTTP/1.1 connection of one shared client.
 */
public final class KeycloakIntrospectionBench {

    private KeycloakIntrospectionBench() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        CpuProbe.services(args.get("pids", ""));
        String accessToken = Files.readString(Path.of(args.get("token-file"))).trim();
        String secret = Files.readString(Path.of(args.get("secret-file"))).trim();
        String basic = "Basic " + Base64.getEncoder().encodeToString((args.get("client") + ":" + secret)
                .getBytes(StandardCharsets.UTF_8));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(args.get("url")))
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(accessToken, StandardCharsets.UTF_8)))
                .build();
        introspect(client, request); // fail fast on a wrong set-up
        Result result = ClosedLoop.run(args.get("label"), args.integer("callers", 32), args.seconds("warmup", 10),
                args.seconds("duration", 20), (caller, iteration) -> ClosedLoop.timed(() -> introspect(client, request)));
        result.report(args.get("out", null));
    }

    /** Throws unless Keycloak answers 200 with an active token (an inactive one is a cheaper path). */
    private static void introspect(HttpClient client, HttpRequest request) throws Exception {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().replace(" ", "").contains("\"active\":true")) {
            throw new IllegalStateException("introspection answered " + response.statusCode() + ": "
                    + response.body().substring(0, Math.min(120, response.body().length())));
        }
    }
}
