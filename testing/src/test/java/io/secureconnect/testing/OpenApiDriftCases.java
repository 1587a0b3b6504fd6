package io.secureconnect.testing;

import static io.secureconnect.testing.OpenApiDocuments.CONTRACT;
import static io.secureconnect.testing.OpenApiDocuments.GENERATED;
import static io.secureconnect.testing.OpenApiDocuments.NOT_FOUND_RESPONSE;
import static io.secureconnect.testing.OpenApiDocuments.SECURED;
import static io.secureconnect.testing.OpenApiDocuments.WIDGETS_RESPONSES;
import static io.secureconnect.testing.OpenApiDocuments.replaced;

import java.util.List;

/**
 * Every contract/service pair the OpenAPI drift check is tested on, each one change to {@link OpenApiDocuments},
 * written once so that {@link OpenApiContractTest} (our comparison) and {@link OpenApiDiffEvaluationTest}
 * (openapi-diff) judge the very same cases.
 */
final class OpenApiDriftCases {

    /** A contract, the service's document, and whether the two disagree in a way the drift check must report. */
    record DriftCase(String name, String contract, String service, boolean drift) {

        @Override
        public String toString() {
            return name;
        }
    }

    private OpenApiDriftCases() {
    }

    static final DriftCase IDENTICAL = agrees("identical documents", CONTRACT, CONTRACT);

    static final DriftCase GENERATED_FOR_THE_CONTRACT =
            agrees("a 3.0 contract and the 3.1 document SmallRye generates for it", CONTRACT, GENERATED);

    static final DriftCase TYPE_CHANGED_IN_A_31_DOCUMENT = drifts("a type that changed in a 3.1 document", CONTRACT,
            replaced(GENERATED, "\"note\": { \"type\": [ \"string\", \"null\" ], \"description\"",
                    "\"note\": { \"type\": [ \"integer\", \"null\" ], \"description\""));

    static final DriftCase TWO_CHANGES_IN_A_31_DOCUMENT = drifts(
            "an int64 parameter and a lost enum value in a 3.1 document", CONTRACT, replaced(
                    replaced(GENERATED, "\"format\": \"int32\", \"examples\"", "\"format\": \"int64\", \"examples\""),
                    "\"enum\": [ \"READ\", \"WRITE\" ]", "\"enum\": [ \"READ\" ]"));

    /** The foundation note's experiment: a renamed path must fail the check. */
    static final DriftCase PATH_RENAMED = drifts("a path that was renamed",
            CONTRACT, replaced(CONTRACT, "/api/v1/permissions/{id}:", "/api/v1/permission/{id}:"));

    static final DriftCase METHOD_NOT_DOCUMENTED = drifts("a method the contract does not document",
            CONTRACT, replaced(CONTRACT, "  /api/v1/permissions/{id}:\n", """
                      /api/v1/permissions/{id}:
                        delete:
                          parameters:
                            - name: id
                              in: path
                              required: true
                              schema:
                                type: integer
                                format: int64
                          responses:
                            "204":
                              description: Deleted
                    """));

    private static final String PAGE_PARAMETER = """
                    - name: page
                      in: query
                      schema:
                        type: integer
                        format: int32
            """;

    static final DriftCase QUERY_PARAMETER_REMOVED = drifts("a query parameter the service does not take",
            CONTRACT, replaced(CONTRACT, PAGE_PARAMETER, ""));

    static final DriftCase PARAMETER_TYPE_CHANGED = drifts("a parameter whose type changed",
            CONTRACT, replaced(CONTRACT, PAGE_PARAMETER, """
                            - name: page
                              in: query
                              schema:
                                type: string
                    """));

    static final DriftCase PARAMETER_NOW_OPTIONAL = drifts("a parameter that became optional",
            CONTRACT, replaced(CONTRACT, "      in: query\n          required: true\n", "      in: query\n"));

    static final DriftCase INT32_NOW_INT64 = drifts("an int32 that became an int64",
            CONTRACT, replaced(CONTRACT, "status:\n          type: integer\n          format: int32",
                    "status:\n          type: integer\n          format: int64"));

    static final DriftCase PROPERTY_ADDED = drifts("a schema property the service added",
            CONTRACT, replaced(CONTRACT, "    labels:\n",
                    "    createdAt:\n          type: string\n          format: date-time\n        labels:\n"));

    static final DriftCase PROPERTY_REMOVED = drifts("a schema property the service removed", CONTRACT,
            replaced(CONTRACT, "\n        labels:\n          type: object\n          additionalProperties:\n"
                    + "            type: string", ""));

    static final DriftCase PROPERTY_TYPE_CHANGED = drifts("a schema property whose type changed",
            CONTRACT, replaced(CONTRACT, "detail:\n          type: string", "detail:\n          type: integer"));

    static final DriftCase MAP_VALUE_TYPE_CHANGED = drifts("a map whose value type changed", CONTRACT,
            replaced(CONTRACT, "additionalProperties:\n            type: string",
                    "additionalProperties:\n            type: integer"));

    static final DriftCase PROPERTY_NOW_A_REFERENCE = drifts("a property that now references another schema",
            CONTRACT, replaced(CONTRACT, "id:\n          type: integer\n          format: int64",
                    "id:\n          $ref: '#/components/schemas/Scope'"));

    static final DriftCase REQUIRED_LIST_CHANGED = drifts("a required list that changed",
            CONTRACT, replaced(CONTRACT, "required: [id, scope]", "required: [id, note]"));

    static final DriftCase ENUM_VALUE_CHANGED = drifts("an enum value that changed",
            CONTRACT, replaced(CONTRACT, "enum: [READ, WRITE]", "enum: [READ, ADMIN]"));

    static final DriftCase RESPONSE_NOW_ANOTHER_SCHEMA = drifts("a response that now references another schema",
            CONTRACT, replaced(CONTRACT, """
                            "201":
                              description: Created
                              content:
                                application/json:
                                  schema:
                                    $ref: '#/components/schemas/Permission'
                    """, """
                            "201":
                              description: Created
                              content:
                                application/json:
                                  schema:
                                    $ref: '#/components/schemas/NewPermission'
                    """));

    static final DriftCase REQUEST_BODY_MEDIA_TYPE_CHANGED = drifts("a request body in another media type",
            CONTRACT, replaced(CONTRACT, """
                          requestBody:
                            content:
                              application/json:
                    """, """
                          requestBody:
                            content:
                              application/x-www-form-urlencoded:
                    """));

    static final DriftCase ERROR_RESPONSE_ONLY_IN_CONTRACT = agrees("an error response only the contract documents",
            CONTRACT, replaced(CONTRACT, NOT_FOUND_RESPONSE, ""));

    static final DriftCase ERROR_RESPONSE_ONLY_IN_SERVICE = drifts("an error response only the service declares",
            replaced(CONTRACT, NOT_FOUND_RESPONSE, ""), CONTRACT);

    static final DriftCase ERROR_RESPONSE_WITHOUT_CONTENT_IN_SERVICE =
            agrees("an error response the service declares without content", CONTRACT,
                    replaced(CONTRACT, NOT_FOUND_RESPONSE, """
                                    "404":
                                      description: Not Found
                            """));

    static final DriftCase MANAGEMENT_PATHS_AND_TRAILING_SLASH = agrees("Quarkus management paths and a trailing slash",
            CONTRACT, replaced(CONTRACT, "  /api/v1/permissions:\n", """
                      /q/health:
                        get:
                          responses:
                            "200":
                              description: Up
                      /api/v1/permissions/:
                    """));

    static final DriftCase SECURED_IDENTICAL = agrees("identical secured documents", SECURED, SECURED);

    static final DriftCase SECURITY_WRITTEN_PER_OPERATION = agrees("the same security written per operation", SECURED,
            replaced(replaced(SECURED, "security:\n  - ApiKeyAuth: []\n  - BearerAuth: []\n", ""),
                    WIDGETS_RESPONSES, """
                          security:
                            - BearerAuth: []
                            - ApiKeyAuth: []
                    """ + WIDGETS_RESPONSES));

    static final DriftCase CREDENTIAL_NO_LONGER_NEEDED = drifts("an operation that no longer needs a credential",
            SECURED, replaced(SECURED, WIDGETS_RESPONSES, "      security: []\n" + WIDGETS_RESPONSES));

    static final DriftCase ONE_SCHEME_LESS = drifts("an operation that takes one scheme less",
            SECURED, replaced(SECURED, WIDGETS_RESPONSES,
                    "      security:\n        - ApiKeyAuth: []\n" + WIDGETS_RESPONSES));

    static final DriftCase PUBLIC_OPERATION_NOW_SECURED = drifts("a public operation that now needs a credential",
            SECURED, replaced(SECURED, "      security: []\n", ""));

    static final DriftCase API_KEY_MOVED_TO_THE_QUERY = drifts("an API key scheme that moved to the query",
            SECURED, replaced(SECURED, "in: header\n      name: x-api-key", "in: query\n      name: api_key"));

    static final DriftCase SCHEME_ONLY_IN_CONTRACT = drifts("a scheme only the contract declares",
            SECURED, replaced(replaced(SECURED, "  - BearerAuth: []\n", ""),
                    "    BearerAuth:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT\n", ""));

    static final DriftCase CREDENTIAL_ANSWER_DROPPED = drifts("a 429 a secured operation no longer declares",
            SECURED, replaced(SECURED, """
                            "429":
                              $ref: '#/components/responses/TooManyRequests'
                    """, ""));

    static final DriftCase CREDENTIAL_ANSWER_NOT_SHARED = drifts("a 401 that is no longer the shared response",
            SECURED, replaced(SECURED, """
                            "401":
                              $ref: '#/components/responses/Unauthorized'
                            "403":
                    """, """
                            "401":
                              description: No credential
                              content:
                                application/problem+json:
                                  schema:
                                    $ref: '#/components/schemas/Problem'
                            "403":
                    """));

    static final DriftCase RETRY_AFTER_DROPPED = drifts("a 429 without Retry-After", SECURED, replaced(SECURED, """
                          headers:
                            Retry-After:
                              schema:
                                type: integer
                    """, ""));

    static final DriftCase CREDENTIAL_ANSWER_ONLY_IN_CONTRACT_WHEN_PUBLIC =
            agrees("a 401 only the contract documents on a public operation", SECURED, replaced(SECURED, """
                            "401":
                              $ref: '#/components/responses/Unauthorized'
                    components:
                    """, "components:\n"));

    /** Every case above, in the order they are written. */
    static final List<DriftCase> ALL = List.of(IDENTICAL, GENERATED_FOR_THE_CONTRACT, TYPE_CHANGED_IN_A_31_DOCUMENT,
            TWO_CHANGES_IN_A_31_DOCUMENT, PATH_RENAMED, METHOD_NOT_DOCUMENTED, QUERY_PARAMETER_REMOVED,
            PARAMETER_TYPE_CHANGED, PARAMETER_NOW_OPTIONAL, INT32_NOW_INT64, PROPERTY_ADDED, PROPERTY_REMOVED,
            PROPERTY_TYPE_CHANGED, MAP_VALUE_TYPE_CHANGED, PROPERTY_NOW_A_REFERENCE, REQUIRED_LIST_CHANGED,
            ENUM_VALUE_CHANGED, RESPONSE_NOW_ANOTHER_SCHEMA, REQUEST_BODY_MEDIA_TYPE_CHANGED,
            ERROR_RESPONSE_ONLY_IN_CONTRACT, ERROR_RESPONSE_ONLY_IN_SERVICE, ERROR_RESPONSE_WITHOUT_CONTENT_IN_SERVICE,
            MANAGEMENT_PATHS_AND_TRAILING_SLASH, SECURED_IDENTICAL, SECURITY_WRITTEN_PER_OPERATION,
            CREDENTIAL_NO_LONGER_NEEDED, ONE_SCHEME_LESS, PUBLIC_OPERATION_NOW_SECURED, API_KEY_MOVED_TO_THE_QUERY,
            SCHEME_ONLY_IN_CONTRACT, CREDENTIAL_ANSWER_DROPPED, CREDENTIAL_ANSWER_NOT_SHARED, RETRY_AFTER_DROPPED,
            CREDENTIAL_ANSWER_ONLY_IN_CONTRACT_WHEN_PUBLIC);

    private static DriftCase drifts(String name, String contract, String service) {
        return new DriftCase(name, contract, service, true);
    }

    private static DriftCase agrees(String name, String contract, String service) {
        return new DriftCase(name, contract, service, false);
    }
}
