package io.secureconnect.policy.reliability;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Timestamp;
import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.policy.testsupport.Bodies;
import io.secureconnect.policy.testsupport.Keys;
import io.secureconnect.policy.testsupport.PolicyClient;
import io.secureconnect.proto.connectorpolicy.v1.ConnectorRef;
import io.secureconnect.proto.connectorpolicy.v1.ResolveBuildNetworkRequest;
import io.secureconnect.testing.DatabaseOutage;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The connector database taken away for 10 s while connector-policy runs (README "Reliability"): REST reads and writes
 * answer 503 DATABASE_UNAVAILABLE and ResolveBuildNetwork UNAVAILABLE (no route or credential that was not read from
 * the database), nothing is written, and everything works again with no restart once the database is back.
 */
@QuarkusTest
class DatabaseOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration HANG_GUARD = Duration.ofSeconds(15);

    @Inject
    AgroalDataSource db;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String databaseUrl;

    @Test
    void failsClosedWhileTheDatabaseIsAwayAndRecoversByItself() throws Exception {
        String account = Keys.newAccount();
        as(account).body(Bodies.gitHub("plain")).post("/api/v1/connectors").then().statusCode(201);
        try (PolicyClient client = new PolicyClient()) {
            client.stub().resolveBuildNetwork(resolve(account));
            long connectors = connectors(account);

            try (DatabaseOutage outage = DatabaseOutage.of(databaseUrl)) {
                unavailable(() -> client.stub().resolveBuildNetwork(resolve(account)));
                Duration firstUnavailable = outage.elapsed();
                as(account).get("/api/v1/connectors").then().statusCode(503)
                        .contentType("application/problem+json").body("code", equalTo("DATABASE_UNAVAILABLE"));
                as(account).body(Bodies.gitHub("written_in_outage")).post("/api/v1/connectors").then().statusCode(503)
                        .contentType("application/problem+json").body("code", equalTo("DATABASE_UNAVAILABLE"));
                as(account).delete("/api/v1/connectors/plain").then().statusCode(503)
                        .contentType("application/problem+json").body("code", equalTo("DATABASE_UNAVAILABLE"));
                while (outage.elapsed().compareTo(OUTAGE) < 0) {
                    unavailable(() -> client.stub().resolveBuildNetwork(resolve(account)));
                    Thread.sleep(500);
                }
                outage.end();

                Duration recovered = DatabaseOutage.await(HANG_GUARD, "ResolveBuildNetwork working again", () -> {
                    try {
                        client.stub().resolveBuildNetwork(resolve(account));
                        return true;
                    } catch (StatusRuntimeException e) {
                        assertDatabaseUnavailable(e);
                        return false;
                    }
                });
                System.out.printf("[reliability] connector-policy, connector database away %d s: first"
                        + " ResolveBuildNetwork UNAVAILABLE after %d ms; recovered %d ms after it was back%n",
                        OUTAGE.toSeconds(), firstUnavailable.toMillis(), recovered.toMillis());
            }

            assertEquals(connectors, connectors(account), "no connector was written or deleted during the outage");
            as(account).get("/api/v1/connectors/written_in_outage").then().statusCode(404);
            as(account).get("/api/v1/connectors/plain").then().statusCode(200);
            as(account).body(Bodies.gitHub("written_after")).post("/api/v1/connectors").then().statusCode(201);
        }
    }

    private static RequestSpecification as(String account) {
        return Keys.asAdmin(account).queryParam("accountIdentifier", account);
    }

    private static ResolveBuildNetworkRequest resolve(String account) {
        return ResolveBuildNetworkRequest.newBuilder().setAccountId(account).setBuildId("b1")
                .setBuildDeadline(Timestamp.newBuilder().setSeconds(Instant.now().plusSeconds(600).getEpochSecond()))
                .addConnectors(ConnectorRef.newBuilder().setIdentifier("plain")).build();
    }

    private static void unavailable(Executable call) {
        assertDatabaseUnavailable(assertThrows(StatusRuntimeException.class, call));
    }

    private static void assertDatabaseUnavailable(StatusRuntimeException e) {
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().getDescription());
        assertEquals("DATABASE_UNAVAILABLE", GrpcFailure.reason(e).orElse(null), e.getStatus().getDescription());
    }

    private long connectors(String account) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM connector WHERE account_id = ?")) {
            s.setString(1, account);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
