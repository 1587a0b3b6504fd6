package io.secureconnect.policy.network;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.policy.connector.ConnectionMode;
import io.secureconnect.policy.connector.ConnectorDraft;
import io.secureconnect.policy.connector.ConnectorStore;
import io.secureconnect.policy.connector.ConnectorType;
import io.secureconnect.policy.connector.Scope;
import io.secureconnect.policy.testsupport.Keys;
import io.secureconnect.policy.testsupport.PolicyClient;
import io.secureconnect.policy.testsupport.PolicyTestDependencies;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.IdentityResource;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * With key-validator and tunnel-registry unreachable (nothing listens on their ports), nothing unverified gets
 * through: REST answers 503, and a build that needs the tunnel gets UNAVAILABLE instead of a credential.
 */
@QuarkusTest
@TestProfile(DependenciesDownTest.DependenciesDown.class)
class DependenciesDownTest {

    public static class DependenciesDown implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FreshDatabaseResource.class),
                    new TestResourceEntry(IdentityResource.class, Map.of("peer", "service/connector-policy")),
                    new TestResourceEntry(PolicyTestDependencies.class, Map.of("dependencies", "down")));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @Inject
    ConnectorStore store;

    @Test
    void answersServiceUnavailableWhenKeyValidatorCannotBeReached() {
        String account = Keys.newAccount();
        Keys.asAdmin(account).queryParam("accountIdentifier", account).when().get("/api/v1/connectors")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .body("code", equalTo("KEY_VALIDATOR_UNAVAILABLE"));
        given().queryParam("accountIdentifier", account).when().get("/api/v1/connectors")
                .then().statusCode(401);
    }

    @Test
    void refusesATunnelBuildWhenTunnelRegistryCannotBeReachedButStillRoutesDirectOnes() throws Exception {
        String account = Keys.newAccount();
        Scope scope = new Scope(account, "", "");
        store.create(scope, draft("secure", true));
        store.create(scope, draft("plain", false));
        Instant deadline = Instant.now().plusSeconds(600);
        try (PolicyClient client = new PolicyClient()) {
            StatusRuntimeException failure = assertThrows(StatusRuntimeException.class,
                    () -> client.stub().resolveBuildNetwork(request(account, deadline, "secure")));
            assertEquals(Status.Code.UNAVAILABLE, failure.getStatus().getCode());
            assertEquals("TUNNEL_REGISTRY_UNAVAILABLE", GrpcFailure.reason(failure).orElseThrow());

            ResolveBuildNetworkResponse direct = client.stub().resolveBuildNetwork(request(account, deadline, "plain"));
            assertEquals("", direct.getHarnessHttpProxy());
            assertEquals("git.myorg.com", direct.getHarnessNoProxy());
        }
    }

    private static ConnectorDraft draft(String identifier, boolean secureConnect) {
        return new ConnectorDraft(identifier, identifier, null, new TreeMap<>(), ConnectorType.GIT,
                "https://git.myorg.com/" + identifier + ".git", null, null, null, ConnectionMode.PLATFORM, secureConnect, null);
    }

    private static ResolveBuildNetworkRequest request(String account, Instant deadline, String identifier) {
        return ResolveBuildNetworkRequest.newBuilder().setAccountId(account).setBuildId("b1")
                .setBuildDeadline(Timestamp.newBuilder().setSeconds(deadline.getEpochSecond()))
                .addConnectors(ConnectorRef.newBuilder().setIdentifier(identifier)).build();
    }
}
