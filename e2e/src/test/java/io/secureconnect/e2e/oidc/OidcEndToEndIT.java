package io.secureconnect.e2e.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.e2e.fixture.ManagedProcess;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Passwordless identity against the real Keycloak: key-validator (the packaged application, its own fresh database,
 * configured as deploy/keycloak/README.md says: {@link OidcCloud}) trusts the realm of deploy/keycloak; the
 * automation client gets a token by client credentials and manages API keys of its account with it; another
 * account's token, a tampered token and no token are refused; and its gRPC port (TLS, here without a client
 * certificate) lets only a caller whose client-credentials token names an identity it admits (the gateway) through.
 */
class OidcEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String ACCOUNT = "default";

    private static KeycloakServer keycloak;
    private static OidcCloud cloud;
    private static ManagedProcess keyValidator;
    private static int port;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        keycloak = KeycloakServer.shared();
        cloud = new OidcCloud(keycloak, "e2e-oidc");
        keyValidator = cloud.startKeyValidator().awaitHttpOk(OidcCloud.health(cloud.keyValidatorPort),
                OidcCloud.START);
        port = cloud.keyValidatorPort;
        channel = cloud.tlsChannel(cloud.keyValidatorGrpcPort);
    }

    @AfterAll
    static void stop() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void anAutomationClientManagesApiKeysOfItsAccountWithAKeycloakToken() {
        String automation = keycloak.clientCredentialsToken("automation");
        Answer created = call("POST", "/api/v1/apikeys?accountIdentifier=" + ACCOUNT, automation,
                "{\"identifier\":\"made_by_automation\",\"name\":\"made with an OIDC token\","
                        + "\"apiKeyType\":\"SERVICE_ACCOUNT\",\"parentIdentifier\":\"automation\"}");
        assertEquals(201, created.status(), created.body().toString());
        Answer token = call("POST", "/api/v1/apikeys/made_by_automation/tokens?accountIdentifier=" + ACCOUNT,
                automation, "{\"identifier\":\"first\",\"name\":\"first token\"}");
        assertEquals(201, token.status(), token.body().toString());
        String apiToken = token.body().path("token").asText();
        assertTrue(apiToken.startsWith("sat." + ACCOUNT + "."), "an API token of account default");

        Answer listed = call("GET", "/api/v1/apikeys?accountIdentifier=" + ACCOUNT, automation, null);
        assertEquals(200, listed.status());
        assertTrue(listed.body().path("content").toString().contains("made_by_automation"));

        // The gateway client's token (gateway/<its gateway_id>) lets it validate that API key over gRPC.
        ValidateTokenResponse validation = keys(keycloak.clientCredentialsToken("gateway")).validateToken(
                ValidateTokenRequest.newBuilder().setToken(apiToken).build());
        assertTrue(validation.getValid(), validation.toString());
        assertEquals(ACCOUNT, validation.getPrincipal().getAccountId());
        assertFalse(keyValidator.logText().contains(automation.substring(automation.lastIndexOf('.') + 1)),
                "the OIDC token never appears in key-validator's log");
    }

    @Test
    void refusesACallWithoutATokenWith401() {
        Answer answer = call("GET", "/api/v1/apikeys?accountIdentifier=" + ACCOUNT, null, null);
        assertEquals(401, answer.status());
        assertEquals("UNAUTHENTICATED", answer.body().path("code").asText());
    }

    @Test
    void refusesTheOtherAccountsTokenOnAccountDefaultWith403() {
        String other = keycloak.clientCredentialsToken("automation-other");
        Answer answer = call("GET", "/api/v1/apikeys?accountIdentifier=" + ACCOUNT, other, null);
        assertEquals(403, answer.status(), answer.body().toString());
        assertEquals("WRONG_ACCOUNT", answer.body().path("code").asText());
        assertEquals(200, call("GET", "/api/v1/apikeys?accountIdentifier=other_account", other, null).status(),
                "the same token manages its own account");
    }

    @Test
    void refusesATokenWhoseAccountClaimWasRewrittenWith401() {
        String other = keycloak.clientCredentialsToken("automation-other");
        String[] parts = other.split("\\.");
        ObjectNode claims = (ObjectNode) read(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        claims.put("account_id", ACCOUNT);
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        Answer answer = call("GET", "/api/v1/apikeys?accountIdentifier=" + ACCOUNT, tampered, null);
        assertEquals(401, answer.status(), answer.body().toString());
        assertTrue(answer.body().path("detail").asText().contains("signature does not verify"), answer.body().toString());
        assertTrue(keyValidator.logText().contains("refused an OIDC bearer token on GET /api/v1/apikeys"),
                "the refusal is logged with its reason");
        assertFalse(keyValidator.logText().contains(parts[2]), "never the token");
    }

    @Test
    void refusesAGrpcCallWithoutATokenAsUnauthenticated() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> keys(null)
                .validateToken(ValidateTokenRequest.newBuilder().setToken("pat.default.x.y").build()));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertEquals("NO_CREDENTIALS", GrpcFailure.reason(e).orElseThrow());
    }

    @Test
    void refusesAGrpcCallOfAClientWithoutTheGatewayRoleAsPermissionDenied() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> keys(
                keycloak.clientCredentialsToken("automation"))
                .validateToken(ValidateTokenRequest.newBuilder().setToken("pat.default.x.y").build()));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertEquals("METHOD_NOT_ALLOWED", GrpcFailure.reason(e).orElseThrow());
    }

    private static KeyValidatorGrpc.KeyValidatorBlockingStub keys(String bearer) {
        KeyValidatorGrpc.KeyValidatorBlockingStub stub = KeyValidatorGrpc.newBlockingStub(channel)
                .withDeadlineAfter(20, TimeUnit.SECONDS);
        if (bearer == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private record Answer(int status, JsonNode body) {
    }

    private static Answer call(String method, String path, String bearer, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body().isBlank() ? JSON.nullNode() : read(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
