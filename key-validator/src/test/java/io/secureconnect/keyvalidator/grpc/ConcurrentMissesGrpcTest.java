package io.secureconnect.keyvalidator.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.keyvalidator.role.Condition;
import io.secureconnect.keyvalidator.role.PrincipalType;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.IssuedTokens;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.keyvalidator.token.TokenRequest;
import io.secureconnect.keyvalidator.token.TokenService;
import io.secureconnect.keyvalidator.validation.TokenCache;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many cache misses at once are read in batches (one query for several tokens, see TokenLoader): every caller
 * still gets the answer for its own token, with its own key's grants, and revoked or unknown tokens in the same
 * batch are refused.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class ConcurrentMissesGrpcTest {

    @Inject
    Fixtures fixtures;

    @Inject
    TokenService tokens;

    @Inject
    TokenCache cache;

    private record Expected(String token, String tokenId, String apiKey, List<String> granted, DenialReason reason) {
    }

    @Test
    void answersEveryCallerForItsOwnTokenWhenMissesAreReadTogether() throws Exception {
        String account = Fixtures.unique("acct");
        Scope scope = Scope.account(account);
        String[] roles = {"_pipeline_viewer", "_connector_admin", "_account_viewer", "_secureconnect_admin"};
        List<Expected> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String parent = Fixtures.unique("sa");
            String key = fixtures.key(scope, ApiKeyType.SERVICE_ACCOUNT, parent);
            String role = roles[i % roles.length];
            fixtures.bind(scope, PrincipalType.SERVICE_ACCOUNT, parent, role, true, List.of());
            if (i % 4 == 1) { // a second binding of the same parent, filtered: its grants add up
                fixtures.bind(scope, PrincipalType.SERVICE_ACCOUNT, parent, "_pipeline_executor", false,
                        List.of(new Condition("resourceType", "PIPELINE")));
            }
            String identifier = Fixtures.unique("token");
            String token = IssuedTokens.remember(tokens.create(scope, key,
                    new TokenRequest(identifier, "Token " + identifier, null, null, null, null)).token());
            DenialReason reason = DenialReason.DENIAL_REASON_UNSPECIFIED;
            if (i % 5 == 3) {
                tokens.revoke(scope, key, identifier);
                reason = DenialReason.DENIAL_REASON_REVOKED;
            }
            expected.add(new Expected(token, token.split("\\.")[2], key, granted(role, i % 4 == 1), reason));
        }
        String someToken = expected.get(0).token();
        String unknown = someToken.substring(0, someToken.lastIndexOf('.') - 22) + "U".repeat(22)
                + someToken.substring(someToken.lastIndexOf('.'));
        expected.add(new Expected(unknown, null, null, List.of(), DenialReason.DENIAL_REASON_UNKNOWN));
        cache.clear();

        ExecutorService callers = Executors.newFixedThreadPool(expected.size() * 2);
        try (Grpc grpc = Grpc.toTestService()) {
            List<Callable<ValidateTokenResponse>> calls = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (Expected one : expected) {
                    calls.add(() -> grpc.blocking().validateToken(ValidateTokenRequest.newBuilder()
                            .setToken(one.token()).setExpectedAccountId(account).build()));
                }
            }
            List<Future<ValidateTokenResponse>> answers = callers.invokeAll(calls);
            for (int i = 0; i < answers.size(); i++) {
                Expected one = expected.get(i % expected.size());
                ValidateTokenResponse answer = answers.get(i).get();
                if (one.reason() != DenialReason.DENIAL_REASON_UNSPECIFIED) {
                    assertFalse(answer.getValid(), "call " + i);
                    assertEquals(one.reason(), answer.getReason(), "call " + i);
                    continue;
                }
                assertTrue(answer.getValid(), "call " + i + ": " + answer.getMessage());
                assertEquals(one.tokenId(), answer.getPrincipal().getTokenId(), "call " + i);
                assertEquals(one.apiKey(), answer.getPrincipal().getApiKeyId(), "call " + i);
                assertEquals(one.granted(), answer.getGrantedPermissionsList(), "call " + i);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static List<String> granted(String role, boolean withExecutor) {
        List<String> granted = new ArrayList<>(switch (role) {
            case "_pipeline_viewer" -> List.of("core_pipeline_view");
            case "_connector_admin" -> List.of("core_connector_delete", "core_connector_edit", "core_connector_view");
            case "_account_viewer" -> List.of("core_connector_view", "core_pipeline_view");
            default -> List.of("core_secureconnect_manage");
        });
        if (withExecutor) {
            for (String permission : List.of("core_connector_access", "core_pipeline_execute", "core_pipeline_view")) {
                if (!granted.contains(permission)) {
                    granted.add(permission);
                }
            }
            granted.sort(null);
        }
        return granted;
    }
}
