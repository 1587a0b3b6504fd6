package io.secureconnect.registry.web;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.secureconnect.common.problem.Problem;
import io.secureconnect.common.problem.Problems;
import io.secureconnect.registry.auth.KeyDenied;
import io.secureconnect.registry.lease.LeaseFailure;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The registry's own failures as problem+json, beside the shared mappers of {@code common}. */
public class RegistryProblemMappers {

    @ServerExceptionMapper
    public Response leaseFailure(LeaseFailure e) {
        return Problems.response(e.toProblem());
    }

    @ServerExceptionMapper
    public Response keyDenied(KeyDenied e) {
        return Problems.response(e.toProblem());
    }

    /**
     * A JSON value of the wrong shape (e.g. an object where a string belongs). Quarkus has a built-in mapper for
     * this exact type, which would answer plain JSON; this one answers problem+json naming the field.
     */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        String expected = e.getTargetType() == null ? "another type" : e.getTargetType().getSimpleName();
        if (field.isEmpty()) {
            return Problems.response(400, "MALFORMED_BODY", "the body is not valid JSON for this request", List.of());
        }
        return Problems.response(400, "INVALID_FIELD", field + ": must be a " + expected,
                List.of(new Problem.FieldError(field, "must be a " + expected)));
    }
}
