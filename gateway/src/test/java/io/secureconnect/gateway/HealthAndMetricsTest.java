package io.secureconnect.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.Builds;
import io.secureconnect.gateway.support.Curl;
import io.secureconnect.gateway.support.GatewayTestResource;
import io.secureconnect.gateway.support.GatewayTestSupport;
import io.secureconnect.gateway.support.TestAgent;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class HealthAndMetricsTest extends GatewayTestSupport {

    @Test
    void isReadyOnceListeningAndRegistered() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("gateway"));
    }

    @Test
    void exportsTunnelConnectionByteDialAndErrorMetricsWithoutSecrets() throws Exception {
        String account = Builds.account();
        agent(account, 30050, TestAgent.Mode.DIAL);
        String credential = Builds.credential(account, 30050, List.of("127.0.0.1"));
        Curl.run("-x", Builds.proxyUrl("http", credential, proxyPort()),
                "http://127.0.0.1:" + origin().httpPort() + "/metrics-check");
        Curl.run("-x", "http://127.0.0.1:" + proxyPort(), "http://127.0.0.1:" + origin().httpPort() + "/");

        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("secureconnect_gateway_tunnels"))
                .body(containsString("secureconnect_gateway_agents"))
                .body(containsString("secureconnect_gateway_connections_open"))
                .body(containsString("secureconnect_gateway_dials_pending"))
                .body(containsString("secureconnect_gateway_bytes_total{direction=\"in\""))
                .body(containsString("secureconnect_gateway_bytes_total{direction=\"out\""))
                .body(containsString("secureconnect_gateway_dial_latency_seconds_count"))
                .body(containsString("secureconnect_gateway_errors_total{reason=\"PROXY_AUTH_MISSING\""))
                .body(not(containsString(credential)))
                .body(not(containsString(account)));
    }
}
