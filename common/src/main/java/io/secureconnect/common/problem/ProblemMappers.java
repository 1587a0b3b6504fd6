package io.secureconnect.common.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.secureconnect.common.db.DatabaseUnavailable;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every exception that reaches the REST layer into {@code application/problem+json}: one mapper
 * per kind, shared by every service. A database that cannot be used ({@link DatabaseUnavailable}) answers 503
 * {@code DATABASE_UNAVAILABLE}. Unexpected errors answer 500 with an error id and are logged with it, never with a
 * class name or stack trace on the wire.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return Problems.response(e);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        String field = path(e);
        return Problems.response(400, "UNKNOWN_FIELD", "unknown field '" + field + "'",
                List.of(new Problem.FieldError(field, "is not a field of this request")));
    }

    @ServerExceptionMapper
    public Response wrongType(InvalidFormatException e) {
        String field = path(e);
        String expected = e.getTargetType() == null ? "another type" : e.getTargetType().getSimpleName();
        return Problems.response(400, "INVALID_FIELD", field + ": must be " + expected,
                List.of(new Problem.FieldError(field, "must be " + expected)));
    }

    /**
     * A value JSON cannot make into the field's type (an object for a string, null for a record): without this,
     * Quarkus's own mapper answers in its own JSON shape, not a problem.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        String field = path(e);
        if (field.isEmpty()) {
            return Problems.response(400, "MALFORMED_BODY", "the body is not valid JSON for this request", List.of());
        }
        String expected = e.getTargetType() == null ? "another type" : e.getTargetType().getSimpleName();
        return Problems.response(400, "INVALID_FIELD", field + ": must be " + expected,
                List.of(new Problem.FieldError(field, "must be " + expected)));
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        String field = e instanceof JsonMappingException mapping ? path(mapping) : "";
        String detail = field.isEmpty() ? "the body is not valid JSON for this request"
                : "the body is not valid JSON for this request at '" + field + "'";
        return Problems.response(400, "MALFORMED_BODY", detail, List.of());
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original == null ? 500 : original.getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus REST wraps a body that is not JSON at all in a plain 400.
            JsonLocation at = json.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            return Problems.response(400, "MALFORMED_BODY", "the body is not valid JSON" + where, List.of());
        }
        String detail = switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            case 406 -> "cannot answer in the requested media type";
            case 415 -> "unsupported media type; send application/json";
            default -> e.getMessage() == null ? "bad request" : e.getMessage();
        };
        String code = switch (status) {
            case 404 -> "ENTITY_NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 406 -> "NOT_ACCEPTABLE";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            case 413 -> "BODY_TOO_LARGE";
            default -> "BAD_REQUEST";
        };
        return Problems.response(status, code, detail, List.of());
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e) {
        Optional<String> unavailable = DatabaseUnavailable.sqlState(e);
        if (unavailable.isPresent()) {
            return databaseUnavailable(unavailable.get(), e);
        }
        String errorId = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected error %s", errorId);
        return Problems.response(500, "INTERNAL", "unexpected error; quote error id " + errorId, List.of());
    }

    /**
     * 503 for a database that cannot be used. The request's transaction is all or nothing, so nothing is half-written;
     * the caller repeats it once the database is back.
     */
    private static Response databaseUnavailable(String sqlState, Throwable e) {
        LOG.warnf("database unavailable (SQLState %s): %s", sqlState, e.getMessage());
        return Response.fromResponse(Problems.response(503, "DATABASE_UNAVAILABLE", "the database cannot be used"
                + " now (SQLState " + sqlState + "); the request did not complete; retry", List.of()))
                .header("Retry-After", "1").build();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }
}
