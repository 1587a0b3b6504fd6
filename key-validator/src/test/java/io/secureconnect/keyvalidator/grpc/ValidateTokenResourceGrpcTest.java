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
import io.secureconnect.keyvalidator.support.Fixtures;
import io.secureconnect.keyvalidator.support.Grpc;
import io.secureconnect.keyvalidator.support.NoSecretsInLogs;
import io.secureconnect.proto.keyvalidator.v1.CoverageKind;
import io.secureconnect.proto.keyvalidator.v1.DenialReason;
import io.secureconnect.proto.keyvalidator.v1.Resource;
import io.secureconnect.proto.keyvalidator.v1.ResourceCoverage;
import io.secureconnect.proto.keyvalidator.v1.ResourceScope;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ValidateToken with a resource (is it covered by the key's resource groups?) and without one (which resources of
 * the permissions' type are covered?), through a real gRPC client against keys and role bindings in PostgreSQL.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@ExtendWith(NoSecretsInLogs.class)
class ValidateTokenResourceGrpcTest {

    private static final String VIEW = "core_connector_view";
    private static final String EDIT = "core_connector_edit";
    private static final String DELETE = "core_connector_delete";

    @Inject
    Fixtures fixtures;

    String account;
    Grpc grpc;

    @BeforeEach
    void newAccount() {
        account = Fixtures.unique("acct");
        grpc = Grpc.toTestService();
    }

    @AfterEach
    void closeClient() throws InterruptedException {
        grpc.close();
    }

    /** A SERVICE_ACCOUNT key at {@code scope} whose parent holds {@code role} over the conditions, at the account. */
    private String keyOver(Scope scope, String role, List<Condition> conditions) {
        String parent = Fixtures.unique("sa");
        String key = fixtures.key(scope, ApiKeyType.SERVICE_ACCOUNT, parent);
        fixtures.bind(Scope.account(account), PrincipalType.SERVICE_ACCOUNT, parent, role, conditions.isEmpty(),
                conditions);
        return fixtures.token(scope, key, null, null);
    }

    private String oneConnectorKey(String connector) {
        return keyOver(Scope.account(account), "_connector_admin", List.of(new Condition("identifier", connector)));
    }

    private static Resource connector(String identifier, String org, String project) {
        return Resource.newBuilder().setType("CONNECTOR").setIdentifier(identifier)
                .setScope(ResourceScope.newBuilder().setOrgId(org).setProjectId(project)).build();
    }

    private ValidateTokenResponse validate(String token, Resource resource, String... permissions) {
        return grpc.blocking().validateToken(ValidateTokenRequest.newBuilder().setToken(token)
                .addAllRequiredPermissions(List.of(permissions)).setExpectedAccountId(account).setResource(resource)
                .build());
    }

    private ResourceCoverage coverage(String token, ResourceScope scope, String... permissions) {
        ValidateTokenRequest.Builder request = ValidateTokenRequest.newBuilder().setToken(token)
                .addAllRequiredPermissions(List.of(permissions));
        if (scope != null) {
            request.setCoverageScope(scope);
        }
        ValidateTokenResponse answer = grpc.blocking().validateToken(request.build());
        assertTrue(answer.getValid(), answer.getMessage());
        assertTrue(answer.hasCoverage(), "a check without a resource answers the coverage");
        return answer.getCoverage();
    }

    @Test
    void grantsEveryPermissionOnTheOneConnectorTheGroupNames() {
        String key = oneConnectorKey("payments_git");
        ValidateTokenResponse answer = validate(key, connector("payments_git", "", ""), VIEW, EDIT, DELETE);
        assertTrue(answer.getValid(), answer.getMessage());
        assertFalse(answer.hasCoverage(), "a check with a resource answers no coverage");
    }

    @Test
    void refusesEveryOtherConnectorAsScopeTooNarrowWhetherItExistsOrNot() {
        String key = oneConnectorKey("payments_git");
        for (String other : new String[] {"billing_git", "never_created", "Payments_git"}) {
            ValidateTokenResponse answer = validate(key, connector(other, "", ""), VIEW);
            assertFalse(answer.getValid());
            assertEquals(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW, answer.getReason());
            assertEquals(account, answer.getPrincipal().getAccountId(), "the genuine key's principal comes along");
            assertTrue(answer.getGrantedPermissionsList().isEmpty(), "nothing granted on a refusal");
        }
    }

    @Test
    void coversEveryConnectorForAnAllGroupAndAnswersCoverageAll() {
        String key = keyOver(Scope.account(account), "_connector_admin", List.of());
        assertTrue(validate(key, connector("anything", "org_a", "proj_a"), VIEW, DELETE).getValid());
        ResourceCoverage coverage = coverage(key, null, VIEW, EDIT);
        assertEquals("CONNECTOR", coverage.getResourceType());
        assertEquals(CoverageKind.COVERAGE_KIND_ALL, coverage.getKind());
        assertTrue(coverage.getIdentifiersList().isEmpty());
    }

    @Test
    void answersExactlyTheConnectorsTheGroupsNameForEveryPermissionAsked() {
        String parent = Fixtures.unique("sa");
        String keyId = fixtures.key(Scope.account(account), ApiKeyType.SERVICE_ACCOUNT, parent);
        fixtures.bind(Scope.account(account), PrincipalType.SERVICE_ACCOUNT, parent, "_connector_admin", false,
                List.of(new Condition("identifier", "b_repo")));
        fixtures.bind(Scope.account(account), PrincipalType.SERVICE_ACCOUNT, parent, "_account_viewer", false,
                List.of(new Condition("resourceType", "CONNECTOR"), new Condition("identifier", "a_repo")));
        String key = fixtures.token(Scope.account(account), keyId, null, null);

        ResourceCoverage viewable = coverage(key, null, VIEW);
        assertEquals(CoverageKind.COVERAGE_KIND_IDENTIFIERS, viewable.getKind());
        assertEquals(List.of("a_repo", "b_repo"), viewable.getIdentifiersList());
        assertEquals(List.of("b_repo"), coverage(key, null, VIEW, EDIT).getIdentifiersList());
        assertEquals(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW,
                validate(key, connector("a_repo", "", ""), VIEW, EDIT).getReason());
    }

    @Test
    void answersAnEmptyCoverageForAGroupThatOnlyATagCouldMatch() {
        String key = keyOver(Scope.account(account), "_connector_admin",
                List.of(new Condition("identifier", "repo"), new Condition("tag.env", "prod")));
        ResourceCoverage coverage = coverage(key, null, VIEW);
        assertEquals(CoverageKind.COVERAGE_KIND_IDENTIFIERS, coverage.getKind());
        assertTrue(coverage.getIdentifiersList().isEmpty());
        assertEquals(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW,
                validate(key, connector("repo", "", ""), VIEW).getReason());
    }

    @Test
    void coversEveryResourceOfTheTypeForAGroupNamingOnlyTheTypeButIsStillNotAbacAll() {
        String key = keyOver(Scope.account(account), "_connector_admin",
                List.of(new Condition("resourceType", "CONNECTOR")));
        assertTrue(validate(key, connector("any_repo", "", ""), EDIT).getValid());
        assertEquals(CoverageKind.COVERAGE_KIND_ALL, coverage(key, null, EDIT).getKind());
        ValidateTokenResponse all = grpc.blocking().validateToken(ValidateTokenRequest.newBuilder().setToken(key)
                .addRequiredPermissions(EDIT).setRequireAbacAll(true).build());
        assertEquals(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW, all.getReason());
    }

    @Test
    void answersCoverageAtTheScopeAskedForCountingBindingsThatHoldIt() {
        String parent = Fixtures.unique("sa");
        String keyId = fixtures.key(Scope.account(account), ApiKeyType.SERVICE_ACCOUNT, parent);
        fixtures.bind(Scope.account(account), PrincipalType.SERVICE_ACCOUNT, parent, "_connector_admin", false,
                List.of(new Condition("identifier", "shared_repo")));
        fixtures.bind(new Scope(account, "org_a", ""), PrincipalType.SERVICE_ACCOUNT, parent, "_connector_admin", true,
                List.of());
        String key = fixtures.token(Scope.account(account), keyId, null, null);

        assertEquals(List.of("shared_repo"), coverage(key, null, VIEW).getIdentifiersList());
        assertEquals(CoverageKind.COVERAGE_KIND_ALL,
                coverage(key, ResourceScope.newBuilder().setOrgId("org_a").build(), VIEW).getKind());
        assertEquals(List.of("shared_repo"),
                coverage(key, ResourceScope.newBuilder().setOrgId("org_b").build(), VIEW).getIdentifiersList());
        assertTrue(validate(key, connector("any_repo", "org_a", "proj_x"), VIEW).getValid());
        assertFalse(validate(key, connector("any_repo", "org_b", ""), VIEW).getValid());
    }

    @Test
    void neverCoversAResourceOutsideTheKeysOwnScope() {
        Scope project = new Scope(account, "org_a", "proj_a");
        String key = keyOver(project, "_connector_admin", List.of());
        assertTrue(validate(key, connector("repo", "org_a", "proj_a"), VIEW).getValid());
        ValidateTokenResponse outside = validate(key, connector("repo", "", ""), VIEW);
        assertEquals(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW, outside.getReason());
        assertEquals("proj_a", outside.getPrincipal().getProjectId(), "the caller can tell the scope was the cause");
        ResourceCoverage atAccount = coverage(key, ResourceScope.getDefaultInstance(), VIEW);
        assertEquals(CoverageKind.COVERAGE_KIND_IDENTIFIERS, atAccount.getKind());
        assertTrue(atAccount.getIdentifiersList().isEmpty());
    }

    @Test
    void namesATunnelByItsPort() {
        String key = keyOver(Scope.account(account), "_secureconnect_admin",
                List.of(new Condition("identifier", "30001")));
        Resource port30001 = Resource.newBuilder().setType("SECURE_CONNECT").setIdentifier("30001").build();
        Resource port30002 = Resource.newBuilder().setType("SECURE_CONNECT").setIdentifier("30002").build();
        assertTrue(validate(key, port30001, "core_secureconnect_manage").getValid());
        assertEquals(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW,
                validate(key, port30002, "core_secureconnect_manage").getReason());
        ResourceCoverage coverage = coverage(key, null, "core_secureconnect_manage");
        assertEquals("SECURE_CONNECT", coverage.getResourceType());
        assertEquals(List.of("30001"), coverage.getIdentifiersList());
    }

    @Test
    void answersNoCoverageForPermissionsOfSeveralTypesOrNone() {
        String key = fixtures.admin(account);
        ValidateTokenResponse mixed = grpc.blocking().validateToken(ValidateTokenRequest.newBuilder().setToken(key)
                .addRequiredPermissions(VIEW).addRequiredPermissions("core_pipeline_view").build());
        assertTrue(mixed.getValid());
        assertFalse(mixed.hasCoverage());
        assertFalse(grpc.validate(key).hasCoverage());
    }

    @Test
    void stillRefusesAMissingPermissionBeforeLookingAtTheResource() {
        String key = keyOver(Scope.account(account), "_account_viewer", List.of());
        ValidateTokenResponse answer = validate(key, connector("repo", "", ""), VIEW, DELETE);
        assertEquals(DenialReason.DENIAL_REASON_MISSING_PERMISSION, answer.getReason());
        assertEquals(List.of(DELETE), answer.getMissingPermissionsList());
    }

    @Test
    void refusesAResourceThatCannotBeCheckedAsInvalidArgumentNamingTheField() {
        String key = oneConnectorKey("repo");
        Map<String, ValidateTokenRequest.Builder> bad = Map.of(
                "required_permissions", request(key, connector("repo", "", "")),
                "resource.type", request(key, connector("repo", "", "").toBuilder().setType("SPACESHIP").build(), VIEW),
                "resource.type ", request(key, connector("repo", "", "").toBuilder().setType("SECURE_CONNECT").build(), VIEW),
                "resource.identifier", request(key, connector("not-an-identifier", "", ""), VIEW),
                "resource.identifier ", request(key, connector("", "", ""), VIEW),
                "resource.identifier  ", request(key, connector("x".repeat(129), "", ""), VIEW),
                "resource.scope.project_id", request(key, connector("repo", "", "proj_a"), VIEW),
                "resource.scope.org_id", request(key, connector("repo", "org a", ""), VIEW),
                "coverage_scope", request(key, connector("repo", "", ""), VIEW)
                        .setCoverageScope(ResourceScope.newBuilder().setOrgId("org_a")),
                "coverage_scope.project_id", ValidateTokenRequest.newBuilder().setToken(key).addRequiredPermissions(VIEW)
                        .setCoverageScope(ResourceScope.newBuilder().setProjectId("proj_a")));
        bad.forEach((field, request) -> {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> grpc.blocking().validateToken(request.build()), field);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), field);
            assertEquals("INVALID_RESOURCE", GrpcFailure.reason(e).orElseThrow(), field);
            assertEquals(field.trim(), GrpcFailure.fact(e, "field").orElseThrow());
            assertFalse(e.getStatus().getDescription().contains(key), "the token is never echoed");
        });
    }

    @Test
    void coversSeveralResourcesAtOnceOnlyWhenTheGroupsCoverEveryOne() {
        String parent = Fixtures.unique("sa");
        String keyId = fixtures.key(Scope.account(account), ApiKeyType.SERVICE_ACCOUNT, parent);
        fixtures.bind(Scope.account(account), PrincipalType.SERVICE_ACCOUNT, parent, "_pipeline_executor", false,
                List.of(new Condition("identifier", "repo_a")));
        fixtures.bind(new Scope(account, "org_a", ""), PrincipalType.SERVICE_ACCOUNT, parent, "_pipeline_executor",
                false, List.of(new Condition("identifier", "repo_org")));
        String key = fixtures.token(Scope.account(account), keyId, null, null);
        assertTrue(several(key, connector("repo_a", "", ""), connector("repo_org", "org_a", "")).getValid());
        // repo_org is named by the org's binding only: at the account's level it is not covered.
        for (Resource other : new Resource[] {connector("repo_b", "", ""), connector("repo_org", "", ""),
                connector("never_created", "", "")}) {
            ValidateTokenResponse answer = several(key, connector("repo_a", "", ""), other);
            assertFalse(answer.getValid(), other.toString());
            assertEquals(DenialReason.DENIAL_REASON_ABAC_SCOPE_TOO_NARROW, answer.getReason());
        }
        assertTrue(several(key).getValid(), "no resource is trivially covered");
    }

    @Test
    void refusesSeveralResourcesThatCannotBeCheckedNamingTheOneAtFault() {
        String key = keyOver(Scope.account(account), "_pipeline_executor", List.of());
        Map<String, ValidateTokenRequest.Builder> bad = Map.of(
                "resources[1].identifier", severalRequest(key, connector("repo", "", ""), connector("not ok", "", "")),
                "resources[0].type", severalRequest(key,
                        connector("repo", "", "").toBuilder().setType("SECURE_CONNECT").build()),
                "resources", severalRequest(key, connector("repo", "", "")).setResource(connector("repo", "", "")));
        bad.forEach((field, request) -> {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> grpc.blocking().validateToken(request.build()), field);
            assertEquals("INVALID_RESOURCE", GrpcFailure.reason(e).orElseThrow(), field);
            assertEquals(field, GrpcFailure.fact(e, "field").orElseThrow());
        });
    }

    private ValidateTokenResponse several(String token, Resource... resources) {
        return grpc.blocking().validateToken(severalRequest(token, resources).build());
    }

    private ValidateTokenRequest.Builder severalRequest(String token, Resource... resources) {
        return ValidateTokenRequest.newBuilder().setToken(token).addRequiredPermissions("core_connector_access")
                .setExpectedAccountId(account).addAllResources(List.of(resources));
    }

    private static ValidateTokenRequest.Builder request(String token, Resource resource, String... permissions) {
        return ValidateTokenRequest.newBuilder().setToken(token).addAllRequiredPermissions(List.of(permissions))
                .setResource(resource);
    }
}
