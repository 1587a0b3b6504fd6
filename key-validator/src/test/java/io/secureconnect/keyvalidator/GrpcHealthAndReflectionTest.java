package io.secureconnect.keyvalidator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.keyvalidator.support.TestIdentity;
import io.secureconnect.testing.FreshDatabaseResource;
import io.secureconnect.testing.GrpcProbe;
import io.secureconnect.testing.IdentityResource;
import io.secureconnect.testing.TestChannels;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A grpc-java client finds the service by reflection (as a gateway: reflection is for machine identities) and sees it
 * healthy (health is open to anyone), on its own TLS gRPC port.
 */
@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)

class GrpcHealthAndReflectionTest {

    private static final String SERVICE = "secureconnect.keyvalidator.v1.KeyValidator";

    @Test
    void listsItsServicesByReflection() throws Exception {
        List<String> services = GrpcProbe.listServices(TestChannels.as(TestIdentity.GATEWAY, IdentityResource.grpcPort()));
        assertTrue(services.contains(SERVICE), "reflection lists " + services);
        assertTrue(services.contains("grpc.health.v1.Health"), "reflection lists " + services);
    }

    @Test
    void answersGrpcHealthAsServing() throws Exception {
        assertEquals("SERVING", GrpcProbe.health(TestChannels.anonymous(IdentityResource.grpcPort()), ""));
        assertEquals("SERVING", GrpcProbe.health(TestChannels.anonymous(IdentityResource.grpcPort()), SERVICE));
    }
}
