package io.secureconnect.keyvalidator.oidc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

/**
 * An OIDC provider for unit-level tests: discovery, a JWKS with one RSA key and a client-credentials token endpoint,
 * on a loopback port chosen by the system. It stands in for Keycloak, which lies outside the system (the e2e module runs the real one); here the
 * tests must mint tokens Keycloak would never issue (expired, not yet valid, other issuer, other audience,
 * alg none, signed with another key). The private keys reach the tests through test-only config properties.
 */
public class FakeOidcProvider implements QuarkusTestResourceLifecycleManager {

    static final String REALM_PATH = "/realms/test";
    static final String SIGNING_KEY = "test.oidc.signing-jwk";
    static final String OTHER_KEY = "test.oidc.other-jwk";
    static final String TOKEN_REQUESTS = "test.oidc.token-requests-file";
    /** The only client the token endpoint knows, and its (throwaway) secret. */
    static final String CLIENT_ID = "gateway";
    static final String CLIENT_SECRET = "test-only-gateway-secret";

    private HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            RsaJsonWebKey signing = RsaJwkGenerator.generateJwk(2048);
            signing.setKeyId("kv-test-signing");
            signing.setAlgorithm("RS256");
            signing.setUse("sig");
            RsaJsonWebKey other = RsaJwkGenerator.generateJwk(2048);
            other.setKeyId("kv-test-other");
            other.setAlgorithm("RS256");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + REALM_PATH;
            String discovery = "{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + issuer + "/protocol/openid-connect/certs"
                    + "\",\"token_endpoint\":\"" + issuer + "/protocol/openid-connect/token\","
                    + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
            String jwks = new JsonWebKeySet(signing).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
            server.createContext(REALM_PATH + "/.well-known/openid-configuration", exchange -> answer(exchange, discovery));
            server.createContext(REALM_PATH + "/protocol/openid-connect/certs", exchange -> answer(exchange, jwks));
            Path requests = Files.createTempFile("oidc-token-requests", ".txt");
            server.createContext(REALM_PATH + "/protocol/openid-connect/token",
                    exchange -> token(exchange, issuer, signing, requests));
            server.start();
            return Map.of(
                    "quarkus.oidc.tenant-enabled", "true",
                    "quarkus.oidc.auth-server-url", issuer,
                    "quarkus.oidc-client.client-enabled", "true",
                    "quarkus.oidc-client.auth-server-url", issuer,
                    "quarkus.oidc-client.client-id", CLIENT_ID,
                    "quarkus.oidc-client.credentials.secret", CLIENT_SECRET,
                    TOKEN_REQUESTS, requests.toString(),
                    SIGNING_KEY, signing.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE),
                    OTHER_KEY, other.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The client credentials grant for {@link #CLIENT_ID} (client_secret_basic), answering a token shaped like
     * Keycloak's for the gateway's service account; each request is counted in a file the tests read.
     */
    private static void token(HttpExchange exchange, String issuer, RsaJsonWebKey key, Path requests)
            throws IOException {
        String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String expected = "Basic " + Base64.getEncoder().encodeToString(
                (CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        if (!"POST".equals(exchange.getRequestMethod()) || !form.contains("grant_type=client_credentials")
                || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            byte[] body = "{\"error\":\"unauthorized_client\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        Files.writeString(requests, "token\n", StandardOpenOption.APPEND);
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(issuer);
            claims.setAudience("key-validator", "tunnel-registry");
            claims.setSubject("service-account-" + CLIENT_ID);
            claims.setClaim("azp", CLIENT_ID);
            claims.setClaim("realm_access", Map.of("roles", List.of("sc_gateway")));
            claims.setClaim("gateway_id", "gw-oidc");
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(5);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            answer(exchange, "{\"access_token\":\"" + jws.getCompactSerialization()
                    + "\",\"token_type\":\"Bearer\",\"expires_in\":300}");
        } catch (JoseException e) {
            throw new IOException(e);
        }
    }

    private static void answer(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
