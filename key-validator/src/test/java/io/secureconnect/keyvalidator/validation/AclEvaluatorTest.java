package io.secureconnect.keyvalidator.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.common.auth.Coverage;
import io.secureconnect.keyvalidator.role.Condition;
import io.secureconnect.keyvalidator.scope.Scope;
import io.secureconnect.keyvalidator.secret.ApiKeyType;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one evaluation of resource groups, on grants held in memory (as the cache holds them): a single resource
 * ({@code permits}) and a whole list ({@code coverage}) always agree, because one is derived from the other.
 */
class AclEvaluatorTest {

    private static final String VIEW = "core_connector_view";
    private static final String CONNECTOR = "CONNECTOR";
    private static final Scope ACCOUNT = Scope.account("acct");
    private static final Scope ORG = new Scope("acct", "org_a", "");

    private static Grant all(Scope at, String... permissions) {
        return new Grant(at, Set.of(permissions), true, List.of());
    }

    private static Grant only(Scope at, List<Condition> conditions, String... permissions) {
        return new Grant(at, Set.of(permissions), false, conditions);
    }

    private static Condition identifier(String value) {
        return new Condition("identifier", value);
    }

    private static TokenRecord key(Scope scope, Grant... grants) {
        return new TokenRecord("tok", new byte[32], ApiKeyType.SERVICE_ACCOUNT, scope, "key", "sa",
                Instant.EPOCH, Instant.MAX, null, false, List.of(grants));
    }

    private static Coverage coverage(TokenRecord key, Scope at) {
        return AclEvaluator.coverage(key, at, VIEW, CONNECTOR, CONNECTOR);
    }

    @Test
    void aGroupNamingOneConnectorCoversThatConnectorAndNoOther() {
        TokenRecord key = key(ACCOUNT, only(ACCOUNT, List.of(identifier("repo")), VIEW));
        assertTrue(AclEvaluator.permits(key, ACCOUNT, VIEW, CONNECTOR, CONNECTOR, "repo"));
        assertFalse(AclEvaluator.permits(key, ACCOUNT, VIEW, CONNECTOR, CONNECTOR, "other"));
        assertEquals(Coverage.of(Set.of("repo")), coverage(key, ACCOUNT));
    }

    @Test
    void aGroupNamingOnlyTheResourceTypeCoversEveryResourceOfThatTypeAndNoneOfAnother() {
        TokenRecord key = key(ACCOUNT, only(ACCOUNT, List.of(new Condition("resourceType", CONNECTOR)), VIEW));
        assertEquals(Coverage.ALL, coverage(key, ACCOUNT));
        TokenRecord pipelines = key(ACCOUNT, only(ACCOUNT, List.of(new Condition("resourceType", "PIPELINE")), VIEW));
        assertEquals(Coverage.NONE, coverage(pipelines, ACCOUNT));
    }

    @Test
    void aTagConditionNeverHoldsSoItsGroupCoversNothing() {
        TokenRecord key = key(ACCOUNT, only(ACCOUNT, List.of(identifier("repo"), new Condition("tag.env", "prod")), VIEW));
        assertFalse(AclEvaluator.permits(key, ACCOUNT, VIEW, CONNECTOR, CONNECTOR, "repo"));
        assertEquals(Coverage.NONE, coverage(key, ACCOUNT));
    }

    @Test
    void twoIdentifierConditionsThatDisagreeCoverNothing() {
        TokenRecord key = key(ACCOUNT, only(ACCOUNT, List.of(identifier("a"), identifier("b")), VIEW));
        assertEquals(Coverage.NONE, coverage(key, ACCOUNT));
        assertFalse(AclEvaluator.permits(key, ACCOUNT, VIEW, CONNECTOR, CONNECTOR, "a"));
    }

    @Test
    void groupsOfSeveralBindingsAddUpAndAnAllGroupCoversEverything() {
        TokenRecord two = key(ACCOUNT, only(ACCOUNT, List.of(identifier("a")), VIEW),
                only(ACCOUNT, List.of(identifier("b")), VIEW), only(ACCOUNT, List.of(identifier("c")), "core_connector_edit"));
        assertEquals(Coverage.of(Set.of("a", "b")), coverage(two, ACCOUNT));
        TokenRecord withAll = key(ACCOUNT, only(ACCOUNT, List.of(identifier("a")), VIEW), all(ACCOUNT, VIEW));
        assertEquals(Coverage.ALL, coverage(withAll, ACCOUNT));
    }

    @Test
    void aBindingCoversOnlyResourcesInsideItsScope() {
        TokenRecord key = key(ACCOUNT, only(ACCOUNT, List.of(identifier("a")), VIEW), all(ORG, VIEW));
        assertEquals(Coverage.ALL, coverage(key, ORG));
        assertEquals(Coverage.of(Set.of("a")), coverage(key, ACCOUNT));
        assertTrue(AclEvaluator.permits(key, ORG, VIEW, CONNECTOR, CONNECTOR, "anything"));
        assertFalse(AclEvaluator.permits(key, ACCOUNT, VIEW, CONNECTOR, CONNECTOR, "anything"));
    }

    @Test
    void nothingOutsideTheKeysOwnScopeIsCoveredEvenByAnAllGroup() {
        TokenRecord orgKey = key(ORG, all(ACCOUNT, VIEW));
        assertEquals(Coverage.NONE, coverage(orgKey, ACCOUNT));
        assertEquals(Coverage.NONE, coverage(orgKey, new Scope("acct", "org_b", "")));
        assertEquals(Coverage.ALL, coverage(orgKey, ORG));
    }

    @Test
    void aPermissionOfAnotherTypeCoversNothing() {
        TokenRecord key = key(ACCOUNT, all(ACCOUNT, VIEW));
        assertEquals(Coverage.NONE, AclEvaluator.coverage(key, ACCOUNT, VIEW, CONNECTOR, "SECURE_CONNECT"));
        assertFalse(AclEvaluator.permits(key, ACCOUNT, VIEW, CONNECTOR, "SECURE_CONNECT", "30001"));
    }
}
