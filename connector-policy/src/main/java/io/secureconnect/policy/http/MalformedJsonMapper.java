package io.secureconnect.policy.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.secureconnect.common.problem.ProblemMappers;
import io.secureconnect.common.problem.Problems;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Quarkus REST wraps a body that is not JSON at all in a plain 400 WebApplicationException; this answers it
 * as MALFORMED_BODY with the line and column, and leaves every other WebApplicationException to the shared
 * mapper. (A candidate for common's ProblemMappers.)
 */
public class MalformedJsonMapper {

    private final ProblemMappers shared = new ProblemMappers();

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            JsonLocation at = json.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            return Problems.response(400, "MALFORMED_BODY", "the body is not valid JSON" + where, List.of());
        }
        return shared.webApplication(e);
    }
}
