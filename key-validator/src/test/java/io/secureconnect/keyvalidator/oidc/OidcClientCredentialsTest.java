package io.secureconnect.keyvalidator.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.secureconnect.common.oidc.client.OidcClientCredentialsInterceptor;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client side of service-to-service auth, as the gateway uses it: common's client interceptor gets a token by
 * client credentials from the provider's token endpoint (quarkus-oidc-client), caches it, and puts it on every call;
 * this key-validator (OIDC configured) lets the call through over TLS without a client certificate: the token, which
 * names gateway gw-oidc, is the caller's identity.
 */
@QuarkusTest
@TestProfile(OidcProfile.class)
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class OidcClientCredentialsTest {

    @Inject
    Fixtures fixtures;

    @Inject
    OidcClientCredentialsInterceptor clientCredentials;

    @Test
    void callsWithATokenFetchedOnceByClientCredentials() throws Exception {
        String account = Fixtures.unique("acct");
        String apiKey = fixtures.keyWithRole(Scope.account(account), "_account_admin");
        Path requests = Path.of(ConfigProvider.getConfig().getValue(FakeOidcProvider.TOKEN_REQUESTS, String.class));
        long before = Files.readAllLines(requests).size();
        ManagedChannel channel = TestChannels.anonymous(IdentityResource.grpcPort());
        try {
            Channel withToken = ClientInterceptors.intercept(channel, clientCredentials);
            KeyValidatorGrpc.KeyValidatorBlockingStub keys = KeyValidatorGrpc.newBlockingStub(withToken);
            for (int i = 0; i < 3; i++) {
                ValidateTokenResponse response = keys.withDeadlineAfter(10, TimeUnit.SECONDS).validateToken(
                        ValidateTokenRequest.newBuilder().setToken(apiKey).build());
                assertTrue(response.getValid(), response.toString());
                assertEquals(account, response.getPrincipal().getAccountId());
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        // Only this test uses the client credentials of this application, so its first call fetched the token.
        assertEquals(1, Files.readAllLines(requests).size() - before,
                "three calls share one cached token: one request to the token endpoint");
    }
}
