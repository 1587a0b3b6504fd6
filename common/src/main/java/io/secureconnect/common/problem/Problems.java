package io.secureconnect.common.problem;

import jakarta.ws.rs.core.Response;
import java.util.List;

/** Builds problem responses; the one place that knows how a problem goes on the wire. */
public final class Problems {

    private Problems() {
    }

    public static Response response(int status, String code, String detail, List<Problem.FieldError> errors) {
        Response.Status known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : "Error";
        Problem problem = new Problem("about:blank", title, status, detail, code, errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    public static Response response(ProblemException e) {
        Response response = response(e.status(), e.code(), e.getMessage(), e.errors());
        if (e.headers().isEmpty()) {
            return response;
        }
        Response.ResponseBuilder builder = Response.fromResponse(response);
        e.headers().forEach(builder::header);
        return builder.build();
    }
}
