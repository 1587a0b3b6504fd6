package io.secureconnect.common.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * RFC 9457 problem details, the body of every REST error ({@code application/problem+json}).
 * {@code code} is a stable machine-readable reason (e.g. {@code ENTITY_NOT_FOUND}); {@code errors} names
 * the fields at fault where there are any. Never holds a secret, a stack trace or a class name.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@Schema(description = "RFC 9457 problem details (application/problem+json).")
public record Problem(String type, String title, int status, String detail, String code, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One field of the input and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}
