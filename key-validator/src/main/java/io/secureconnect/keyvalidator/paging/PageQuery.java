package io.secureconnect.keyvalidator.paging;

import io.secureconnect.common.problem.ProblemException;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The {@code page} and {@code limit} query parameters. Read as text so that a bad value is a 400 naming the
 * parameter rather than JAX-RS's 404.
 */
public class PageQuery {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    @QueryParam("page")
    @Parameter(description = "Page number, from 0 (default 0)", schema = @Schema(type = SchemaType.INTEGER, format = "int32"))
    public String page;

    @QueryParam("limit")
    @Parameter(description = "Items per page, 1 to 100 (default 20)", schema = @Schema(type = SchemaType.INTEGER, format = "int32"))
    public String limit;

    public int pageNumber() {
        return parse("page", page, 0, 0, Integer.MAX_VALUE / MAX_LIMIT);
    }

    public int pageSize() {
        return parse("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
    }

    private static int parse(String field, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalidField(field, "must be an integer from " + min + " to " + max);
    }
}
