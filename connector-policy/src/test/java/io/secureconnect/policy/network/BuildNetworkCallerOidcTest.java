package io.secureconnect.policy.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.StatusRuntimeException;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.oidc.OidcIdentity;
import io.secureconnect.policy.connector.ConnectorKey;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An OIDC account identity resolving a build network: the rules of an API key, from what the token says. It has no
 * resource groups, so it needs the role core_connector_access and ABAC All (sc_abac_all), and an org or project
 * claim keeps it to connectors there. (The e2e OidcWholeFlowIT runs the same against a real Keycloak.)
 */
class BuildNetworkCallerOidcTest {

    private static final List<ConnectorKey> ACCOUNT_LEVEL = List.of(new ConnectorKey("", "", "gh"));

    private static OidcIdentity token(String account, String org, boolean abacAll, String... roles) {
        return new OidcIdentity("sub", "automation", account, org, null, Set.of(roles), abacAll, null);
    }

    private static String outcome(OidcIdentity identity, List<ConnectorKey> connectors) {
        try {
            return BuildNetworkCaller.oidc(identity, "acc_1", connectors);
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() + "/" + GrpcFailure.reason(e).orElse("");
        }
    }

    @Test
    void aTokenWithCoreConnectorAccessAndAbacAllResolvesItsAccount() {
        assertEquals("oidc:automation", outcome(token("acc_1", null, true, "core_connector_access"), ACCOUNT_LEVEL));
    }

    @Test
    void aTokenWithoutAbacAllReachesNoConnector() {
        assertEquals("PERMISSION_DENIED/ABAC_SCOPE_TOO_NARROW",
                outcome(token("acc_1", null, false, "core_connector_access"), ACCOUNT_LEVEL));
    }

    @Test
    void aTokenOfAnOrgReachesNoAccountLevelConnector() {
        assertEquals("PERMISSION_DENIED/ABAC_SCOPE_TOO_NARROW",
                outcome(token("acc_1", "o1", true, "core_connector_access"), ACCOUNT_LEVEL));
        assertEquals("oidc:automation", outcome(token("acc_1", "o1", true, "core_connector_access"),
                List.of(new ConnectorKey("o1", "p1", "gh"))));
    }

    @Test
    void aTokenWithOnlyCorePipelineExecuteLacksThePermission() {
        assertEquals("PERMISSION_DENIED/MISSING_PERMISSION",
                outcome(token("acc_1", null, true, "core_pipeline_execute"), ACCOUNT_LEVEL));
    }

    @Test
    void aTokenOfAnotherAccountIsWrongAccount() {
        assertEquals("PERMISSION_DENIED/WRONG_ACCOUNT",
                outcome(token("acc_2", null, true, "core_connector_access"), ACCOUNT_LEVEL));
    }
}
