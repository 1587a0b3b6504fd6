package io.secureconnect.gateway.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.secureconnect.gateway.support.GatewayTestResource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway's HTTP side serves health and metrics only; any other path is a short 404, never a 500. */
@QuarkusTest
@QuarkusTestResource(value = GatewayTestResource.class, restrictToAnnotatedClass = false)
class UnservedPathsTest {

    private final List<LogRecord> failures = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getThrown() != null || record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                failures.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void record() {
        Logger.getLogger("").addHandler(recorder);
    }

    @AfterEach
    void stopRecording() {
        Logger.getLogger("").removeHandler(recorder);
    }

    @ParameterizedTest(name = "GET {0}: 404 problem, no stack trace logged")
    @ValueSource(strings = {"/nonexistent", "/q/openapi", "/api/v1/connectors", "/q/health/nope", "/%00"})
    void answersAnUnservedPathWithAShort404(String path) {
        given().urlEncodingEnabled(false).when().get(path)
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("code", equalTo("ENTITY_NOT_FOUND"))
                .body(not(containsString("Exception")))
                .body(not(containsString("at io.")));
        assertEquals(List.of(), failures.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": "
                + r.getMessage()).toList(), "nothing logged as an error for an unserved path");
    }

    @ParameterizedTest(name = "POST {0}: 404 problem")
    @ValueSource(strings = {"/nonexistent", "/api/v1/tunnels"})
    void answersAPostToAnUnservedPathWithoutA500(String path) {
        int status = given().body("{\"a\":1}").contentType("application/json").when().post(path)
                .then().extract().statusCode();
        assertEquals(404, status);
        assertEquals(List.of(), failures.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
    }
}
