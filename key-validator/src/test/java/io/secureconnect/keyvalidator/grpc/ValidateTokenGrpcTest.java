package io.secureconnect.keyvalidator.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.keyvalidator.role.Condition;
import io.secureconnect.keyvalidator.role.PrincipalType;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import io.secureconnect.keyvalidator.support.Eventually;
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.KeyType;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ValidateToken through a real gRPC client, one scenario per denial reason. */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class ValidateTokenGrpcTest {

    @Inject
    Fixtures fixtures;

    String account;
    Scope project;
    String parent;
    String key;
    String token;
    Grpc grpc;

    /** A USER key in a project whose parent may view pipelines over every resource of the account. */
    @BeforeEach
    void newKey() {
        account = Fixtures.unique("acct");
        project = new Scope(account, "org_a", "proj_a");
        parent = Fixtures.unique("user");
        key = fixtures.key(project, ApiKeyType.USER, parent);
        fixtures.bind(Scope.account(account), PrincipalType.USER, parent, "_pipeline_viewer", true, List.of());
        token = fixtures.token(project, key, null, null);
        grpc = Grpc.toTestService();
    }

    @AfterEach
    void closeClient() throws InterruptedException {
        grpc.close();
    }

    ValidateTokenResponse validate(ValidateTokenRequest.Builder request) {
        return grpc.blocking().validateToken(request.build());
    }

    ValidateTokenRequest.Builder request(String value, String... permissions) {
        return ValidateTokenRequest.newBuilder().setToken(value).addAllRequiredPermissions(List.of(permissions));
    }

    @Test
    void answersWhoTheTokenIsAndWhatItMayDo() {
        ValidateTokenResponse answer = validate(request(token, "core_pipeline_view").setRequireAbacAll(true)
                .setExpectedAccountId(account));
        assertTrue(answer.getValid(), answer.getMessage());
        assertEquals(account, answer.getPrincipal().getAccountId());
        assertEquals("org_a", answer.getPrincipal().getOrgId());
        assertEquals("proj_a", answer.getPrincipal().getProjectId());
        assertEquals(key, answer.getPrincipal().getApiKeyId());
        assertEquals(token.split("\\.")[2], answer.getPrincipal().getTokenId());
        assertEquals(parent, answer.getPrincipal().getParentId());
        assertEquals(KeyType.KEY_TYPE_USER, answer.getPrincipal().getKeyType());
        assertEquals(List.of("core_pipeline_view"), answer.getGrantedPermissionsList());
        assertTrue(answer.getValidUntil().getSeconds() > Instant.now().plus(Duration.ofDays(29)).getEpochSecond());
        assertEquals(DenialReason.DENIAL_REASON_UNSPECIFIED, answer.getReason());
    }

    @Test
    void refusesMalformedTokens() {
        String[] malformed = {"", "pat", "xat." + token.substring(4), token + ".extra", token.substring(0, token.lastIndexOf('.')),
                token.substring(0, token.length() - 1) + "é", "pat." + "A".repeat(10 * 1024), " " + token};
        for (String value : malformed) {
            ValidateTokenResponse answer = validate(request(value, "core_pipeline_view"));
            assertFalse(answer.getValid());
            assertEquals(DenialReason.DENIAL_REASON_MALFORMED, answer.getReason(), "for a token of length " + value.length());
            if (value.length() > 10) {
                assertFalse(answer.getMessage().contains(value), "the answer echoes the token");
            }
        }
    }

    @Test
    void answersUnknownAlikeForAMissingIdAWrongSecretAndAForgedAccountOrType() {
        String[] parts = token.split("\\.");
        String wrongSecret = parts[0] + "." + parts[1] + "." + parts[2] + "." + "B".repeat(43);
        String missingId = parts[0] + "." + parts[1] + "." + "C".repeat(22) + "." + parts[3];
        String otherAccount = parts[0] + ".other_account." + parts[2] + "." + parts[3];
        String otherType = "sat." + parts[1] + "." + parts[2] + "." + parts[3];
        ValidateTokenResponse reference = validate(request(missingId));
        assertEquals(DenialReason.DENIAL_REASON_UNKNOWN, reference.getReason());
        for (String forged : new String[] {wrongSecret, otherAccount, otherType}) {
            ValidateTokenResponse answer = validate(request(forged));
            assertEquals(reference, answer, "a forged token is answered exactly like a missing one");
        }
        assertTrue(validate(request(token)).getValid());
    }

    @Test
    void refusesATokenOfAnotherAccount() {
        ValidateTokenResponse answer = validate(request(token, "core_pipeline_view").setExpectedAccountId("someone_else"));
        assertEquals(DenialReason.DENIAL_REASON_WRONG_ACCOUNT, answer.getReason());
        assertTrue(answer.getMissingPermissionsList().isEmpty());
    }

    @Test
    void namesEachMissingPermission() {
        ValidateTokenResponse answer = validate(request(token, "core_pipeline_view", "core_connector_edit",
                "core_apikey_manage", "core_connector_edit"));
        assertFalse(answer.getValid());
        assertEquals(DenialReason.DENIAL_REASON_MISSING_PERMISSION, answer.getReason());
        assertEquals(List.of("core_connector_edit", "core_apikey_manage"), answer.getMissingPermissionsList());
    }

    @Test
    void refusesAbacAllWhenTheResourceGroupIsFiltered() {
        String narrowParent = Fixtures.unique("sa");
        String narrowKey = fixtures.key(Scope.account(account), ApiKeyType.SERVICE_ACCOUNT, narrowParent);
        fixtures.bind(Scope.account(account), PrincipalType.SERVICE_ACCOUNT, narrowParent, "_pipeline_viewer", false,
                List.of(new Condition("resourceType", "PIPELINE"), new Condition("tag.env", "prod")));
        String narrow = fixtures.token(Scope.account(account), narrowKey, null, null);
        assertTrue(validate(request(narrow, "core_pipeline_view")).getValid());
        ValidateTokenResponse answer = validate(request(narrow, "core_pipeline_view").setRequireAbacAll(true));
        assertEquals(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW, answer.getReason());
    }

    @Test
    void ignoresBindingsOfANarrowerScopeThanTheKey() {
        String accountParent = Fixtures.unique("sa");
        String accountKey = fixtures.key(Scope.account(account), ApiKeyType.SERVICE_ACCOUNT, accountParent);
        fixtures.bind(project, PrincipalType.SERVICE_ACCOUNT, accountParent, "_pipeline_viewer", true, List.of());
        String accountToken = fixtures.token(Scope.account(account), accountKey, null, null);
        assertEquals(DenialReason.DENIAL_REASON_MISSING_PERMISSION,
                validate(request(accountToken, "core_pipeline_view")).getReason());
    }

    @Test
    void answersExpiredOnceValidToHasPassed() {
        String shortLived = fixtures.token(project, key, null, Instant.now().plusMillis(800));
        assertTrue(validate(request(shortLived)).getValid());
        ValidateTokenResponse answer = Eventually.poll(Duration.ofSeconds(3), () -> validate(request(shortLived)),
                response -> !response.getValid(), "expiry");
        assertEquals(DenialReason.DENIAL_REASON_EXPIRED, answer.getReason());
    }

    @Test
    void refusesAnUnknownPermissionAsInvalidArgument() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> validate(request(token, "core_pipeline_view", "core_launch_missiles")));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertEquals("UNKNOWN_PERMISSION", GrpcFailure.reason(e).orElseThrow());
        assertEquals("core_launch_missiles", GrpcFailure.fact(e, "permission").orElseThrow());
    }
}
