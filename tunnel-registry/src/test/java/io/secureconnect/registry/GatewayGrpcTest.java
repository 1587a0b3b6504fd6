package io.secureconnect.registry;

import static io.secureconnect.registry.Fixtures.fails;
import static io.secureconnect.registry.Fixtures.gateway;
import static io.secureconnect.registry.Fixtures.number;
import static io.secureconnect.registry.Fixtures.registry;
import static io.secureconnect.registry.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.proto.tunnelregistry.v1.Gateway;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.HeartbeatGatewayResponse;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayRequest;
import io.secureconnect.proto.tunnelregistry.v1.RegisterGatewayResponse;
import io.secureconnect.testing.FreshDatabaseResource;
import jakarta.inject.Inject;
import java.time.Instant;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = FreshDatabaseResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = TestKeyValidator.class, restrictToAnnotatedClass = false)
class GatewayGrpcTest {

    @Inject
    DataSource db;

    @Test
    void registersAGatewayAndTellsItTheHeartbeatIntervalAndLeaseTtl() {
        String id = unique("gw");
        RegisterGatewayResponse response = registry().registerGateway(RegisterGatewayRequest.newBuilder()
                .setGateway(Gateway.newBuilder().setGatewayId(id).setAgentEndpoint("10.0.0.5:8443")
                        .setProxyHost("gw1.sc.example").setVersion("0.1.0")).build());
        assertEquals(10, response.getHeartbeatInterval().getSeconds());
        assertEquals(30, response.getLeaseTtl().getSeconds());
        assertEquals(30000, response.getPortRange().getFirst(), "the pool of secureconnect.registry.ports.first");
        assertEquals(30099, response.getPortRange().getLast(), "the pool of secureconnect.registry.ports.last");
        assertEquals(1, number(db, "SELECT count(*) FROM gateway WHERE gateway_id = ? AND proxy_host = 'gw1.sc.example'",
                id));
    }

    @Test
    void heartbeatsExtendAGatewaysLife() {
        String id = gateway();
        Fixtures.execute(db, "UPDATE gateway SET expires_at = now() - interval '5 seconds' WHERE gateway_id = ?", id);
        HeartbeatGatewayResponse response = registry().heartbeatGateway(HeartbeatGatewayRequest.newBuilder()
                .setGatewayId(id).build());
        long left = response.getExpiresAt().getSeconds() - Instant.now().getEpochSecond();
        assertTrue(left >= 25 && left <= 31, "seconds left " + left);
        assertEquals(30000, response.getPortRange().getFirst(), "every heartbeat tells the pool again");
        assertEquals(30099, response.getPortRange().getLast());
    }

    @Test
    void refusesAHeartbeatOfAnUnknownGateway() {
        fails(Status.Code.NOT_FOUND, "UNKNOWN_GATEWAY", () -> registry().heartbeatGateway(
                HeartbeatGatewayRequest.newBuilder().setGatewayId("gw-nobody").build()));
    }

    @Test
    void refusesBadGatewayFieldsAndStoresNothing() {
        String id = unique("gw");
        Gateway good = Gateway.newBuilder().setGatewayId(id).setAgentEndpoint("gw.test:8443")
                .setProxyHost("proxy.test").build();
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_GATEWAY_ID", () -> register(good.toBuilder().setGatewayId("")));
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_GATEWAY_ID", () -> register(good.toBuilder().setGatewayId("a b")));
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_AGENT_ENDPOINT", () -> register(good.toBuilder()
                .setAgentEndpoint("gw.test")));
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_AGENT_ENDPOINT", () -> register(good.toBuilder()
                .setAgentEndpoint("gw.test:65536")));
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_PROXY_HOST", () -> register(good.toBuilder().setProxyHost("")));
        fails(Status.Code.INVALID_ARGUMENT, "INVALID_PROXY_HOST", () -> register(good.toBuilder()
                .setProxyHost("http://proxy")));
        assertEquals(0, number(db, "SELECT count(*) FROM gateway WHERE gateway_id = ?", id));
    }

    private static void register(Gateway.Builder gateway) {
        registry().registerGateway(RegisterGatewayRequest.newBuilder().setGateway(gateway).build());
    }
}
