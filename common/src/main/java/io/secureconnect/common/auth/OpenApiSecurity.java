package io.secureconnect.common.auth;

import io.secureconnect.common.problem.Problem;
import java.util.List;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

/**
 * Says in every service's generated OpenAPI document how {@link CurrentCaller} authenticates, as the contracts in
 * openapi/ do: the security schemes {@value #API_KEY} ({@code x-api-key}) and {@value #BEARER} (an OIDC access
 * token), either of which the whole API requires, and the shared 401, 403 and 429 answers of every operation that
 * takes that requirement. An operation that is public ({@code @SecurityRequirements({})}) or authenticated another
 * way declares its own security and answers. Registered for every service by common's
 * META-INF/microprofile-config.properties ({@code mp.openapi.filter}).
 */
public class OpenApiSecurity implements OASFilter {

    public static final String API_KEY = "ApiKeyAuth";
    public static final String BEARER = "BearerAuth";
    public static final String UNAUTHORIZED = "Unauthorized";
    public static final String FORBIDDEN = "Forbidden";
    public static final String TOO_MANY_REQUESTS = "TooManyRequests";

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        if (openApi.getComponents() == null) {
            openApi.setComponents(OASFactory.createComponents());
        }
        Components components = openApi.getComponents();
        components.addSecurityScheme(API_KEY, OASFactory.createSecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.HEADER).name(CurrentCaller.API_KEY_HEADER)
                .description("An API key (pat.<account>.<token>.<secret> or sat.<...>) issued by key-validator."));
        components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer").bearerFormat("JWT")
                .description("An OIDC access token from the deployment's Keycloak realm; "
                        + "see deploy/keycloak/README.md."));
        components.addResponse(UNAUTHORIZED, problem("No credential, or an invalid, unknown, expired or revoked one."));
        components.addResponse(FORBIDDEN, problem("The credential belongs to another account, or lacks a permission "
                + "or the resource scope."));
        components.addResponse(TOO_MANY_REQUESTS, problem("Too many failed credential checks from this address; "
                + "retry after Retry-After seconds.").addHeader("Retry-After", OASFactory.createHeader()
                .description("Seconds to wait").schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))));
        openApi.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme(API_KEY),
                OASFactory.createSecurityRequirement().addScheme(BEARER)));
        if (openApi.getPaths() != null && openApi.getPaths().getPathItems() != null) {
            openApi.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().stream()
                    .filter(operation -> operation.getSecurity() == null)
                    .forEach(OpenApiSecurity::addAnswers));
        }
    }

    private static void addAnswers(Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        responses.addAPIResponse("401", reference(UNAUTHORIZED));
        responses.addAPIResponse("403", reference(FORBIDDEN));
        responses.addAPIResponse("429", reference(TOO_MANY_REQUESTS));
    }

    private static APIResponse reference(String name) {
        return OASFactory.createAPIResponse().ref(name);
    }

    /** A response whose body is the Problem schema, generated from {@link Problem}. */
    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description).content(OASFactory.createContent()
                .addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("Problem"))));
    }
}
