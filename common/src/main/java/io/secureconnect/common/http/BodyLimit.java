package io.secureconnect.common.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.secureconnect.common.problem.Problem;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers a body announced larger than {@code quarkus.http.limits.max-body-size} with a 413 in
 * application/problem+json, before Quarkus's own check (route order -2) would answer it with an empty body, and
 * before any authentication or parsing: an anonymous caller cannot make a service read megabytes. Bodies sent
 * without a Content-Length are still cut off by Quarkus while they are read. Every service with an HTTP listener
 * gets it from common; each sets its own limit.
 */
@ApplicationScoped
public class BodyLimit {

    static final int ORDER_BEFORE_QUARKUS_LIMIT = -3;

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize limit;

    @Inject
    ObjectMapper json;

    void install(@Observes Router router) {
        router.route().order(ORDER_BEFORE_QUARKUS_LIMIT).handler(this::check);
    }

    private void check(RoutingContext context) {
        String length = context.request().getHeader("Content-Length");
        long announced;
        try {
            announced = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            announced = -1;
        }
        if (announced <= limit.asLongValue()) {
            context.next();
            return;
        }
        Problem problem = new Problem("about:blank", "Request Entity Too Large", 413,
                "the body has " + announced + " bytes; at most " + limit.asLongValue() + " are accepted",
                "BODY_TOO_LARGE", List.of());
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            body = "{\"status\":413,\"code\":\"BODY_TOO_LARGE\"}";
        }
        // The rest of the body is not read: close the connection after answering, as Quarkus does.
        context.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Connection", "close").end(body);
    }
}
