package io.secureconnect.keyvalidator.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.keyvalidator.apikey.ApiKeyService;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * gRPC with OIDC configured, the alternative to client certificates: a real grpc-java client (TLS, no certificate)
 * calls as a gateway would, with and without a client-credentials token; only a token naming an identity the method
 * admits gets through.
 */
@QuarkusTest
@TestProfile(OidcProfile.class)
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class OidcGrpcAuthTest {

    @Inject
    Fixtures fixtures;

    @Inject
    ApiKeyService keys;

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = TestChannels.anonymous(IdentityResource.grpcPort());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private KeyValidatorGrpc.KeyValidatorBlockingStub stub(String bearerToken) {
        KeyValidatorGrpc.KeyValidatorBlockingStub stub = KeyValidatorGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        if (bearerToken == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearerToken);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static ValidateTokenRequest validate(String token) {
        return ValidateTokenRequest.newBuilder().setToken(token).addRequiredPermissions("core_pipeline_view").build();
    }

    @Test
    void refusesACallWithoutATokenAsUnauthenticated() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub(null).validateToken(validate("pat.a.b.c")));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertEquals("NO_CREDENTIALS", GrpcFailure.reason(e).orElseThrow());
    }

    @Test
    void refusesAnExpiredTokenAsUnauthenticatedWithTheReason() {
        String expired = TestTokens.of(null, "sc_gateway").client("gateway").gateway("gw-a").expiredMinutesAgo(10)
                .sign();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub(expired).validateToken(validate("pat.a.b.c")));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertEquals("TOKEN_REFUSED", GrpcFailure.reason(e).orElseThrow());
        assertTrue(e.getStatus().getDescription().contains("it has expired"), e.getStatus().getDescription());
    }

    @Test
    void refusesATokenOfACallerWithoutAnAllowedRoleAsPermissionDenied() {
        String automation = TestTokens.of("acct_x", "core_apikey_manage").client("automation").sign();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub(automation).validateToken(validate("pat.a.b.c")));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertEquals("METHOD_NOT_ALLOWED", GrpcFailure.reason(e).orElseThrow());
        assertTrue(e.getStatus().getDescription().contains("oidc:automation"), e.getStatus().getDescription());
    }

    @Test
    void refusesARoleOutsideItsMethodsAsPermissionDenied() {
        String registry = TestTokens.of(null, "sc_tunnel_registry").client("tunnel-registry").sign();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub(registry)
                .watchRevocations(WatchRevocationsRequest.getDefaultInstance()).hasNext());
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertEquals("METHOD_NOT_ALLOWED", GrpcFailure.reason(e).orElseThrow());
    }

    @Test
    void refusesAGatewayTokenThatNamesNoGatewayAsUnauthenticated() {
        String nameless = TestTokens.of(null, "sc_gateway").client("gateway").sign();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub(nameless).validateToken(validate("pat.a.b.c")));
        assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
        assertEquals("NO_IDENTITY", GrpcFailure.reason(e).orElseThrow());
    }

    @Test
    void letsAGatewayTokenValidateAnApiKey() {
        String account = Fixtures.unique("acct");
        String apiKey = fixtures.keyWithRole(Scope.account(account), "_account_admin");
        String gateway = TestTokens.of(null, "sc_gateway").client("gateway").gateway("gw-a").sign();
        ValidateTokenResponse response = stub(gateway).validateToken(validate(apiKey));
        assertTrue(response.getValid(), response.toString());
        assertEquals(account, response.getPrincipal().getAccountId());
    }

    @Test
    void letsAGatewayTokenWatchRevocations() {
        Scope scope = Scope.account(Fixtures.unique("acct"));
        String key = fixtures.key(scope, ApiKeyType.SERVICE_ACCOUNT, "ci");
        fixtures.token(scope, key, null, null);
        String gateway = TestTokens.of(null, "sc_gateway").client("gateway").gateway("gw-a").sign();
        Iterator<RevocationEvent> events = stub(gateway).withDeadlineAfter(20, TimeUnit.SECONDS)
                .watchRevocations(WatchRevocationsRequest.newBuilder()
                        // From before the revocation: the stream is admitted only once the token is verified, so a
                        // live-only watch could start after the event and miss it.
                        .setSince(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() - 60)).build());
        keys.delete(scope, key);
        boolean seen = false;
        while (!seen && events.hasNext()) {
            seen = events.next().getApiKeyId().equals(key);
        }
        assertTrue(seen, "the revocation of every token of " + key + " reached the authenticated watcher");
    }

    @Test
    void leavesTheHealthServiceOpen() {
        HealthCheckResponse response = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        assertEquals(HealthCheckResponse.ServingStatus.SERVING, response.getStatus());
    }
}
