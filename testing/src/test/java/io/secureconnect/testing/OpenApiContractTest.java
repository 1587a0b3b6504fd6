package io.secureconnect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiContractTest {

    /** A hand-written contract in OpenAPI 3.0 YAML; each test changes one thing in a copy of it. */
    private static final String CONTRACT = """
            openapi: 3.0.3
            info:
              title: Permissions
              version: "1"
            paths:
              /api/v1/permissions:
                get:
                  summary: Lists permissions
                  parameters:
                    - name: page
                      in: query
                      schema:
                        type: integer
                        format: int32
                    - name: scope
                      in: query
                      required: true
                      schema:
                        $ref: '#/components/schemas/Scope'
                  responses:
                    "200":
                      description: A page of permissions
                      content:
                        application/json:
                          schema:
                            type: array
                            items:
                              $ref: '#/components/schemas/Permission'
                post:
                  requestBody:
                    content:
                      application/json:
                        schema:
                          $ref: '#/components/schemas/NewPermission'
                  responses:
                    "201":
                      description: Created
                      content:
                        application/json:
                          schema:
                            $ref: '#/components/schemas/Permission'
                    "400":
                      description: Invalid permission
                      content:
                        application/problem+json:
                          schema:
                            $ref: '#/components/schemas/Problem'
              /api/v1/permissions/{id}:
                get:
                  parameters:
                    - name: id
                      in: path
                      required: true
                      schema:
                        type: integer
                        format: int64
                  responses:
                    "200":
                      description: The permission
                      content:
                        application/json:
                          schema:
                            $ref: '#/components/schemas/Permission'
                    "404":
                      description: No such permission
                      content:
                        application/problem+json:
                          schema:
                            $ref: '#/components/schemas/Problem'
            components:
              schemas:
                Scope:
                  type: string
                  enum: [READ, WRITE]
                Permission:
                  type: object
                  required: [id, scope]
                  properties:
                    id:
                      type: integer
                      format: int64
                    scope:
                      $ref: '#/components/schemas/Scope'
                    previousScope:
                      nullable: true
                      allOf:
                        - $ref: '#/components/schemas/Scope'
                    note:
                      type: string
                      nullable: true
                    labels:
                      type: object
                      additionalProperties:
                        type: string
                NewPermission:
                  type: object
                  required: [scope]
                  properties:
                    scope:
                      $ref: '#/components/schemas/Scope'
                    note:
                      type: string
                      nullable: true
                Problem:
                  type: object
                  properties:
                    type:
                      type: string
                    title:
                      type: string
                    status:
                      type: integer
                      format: int32
                    detail:
                      type: string
            """;

    /** The contract's 404 response of GET /api/v1/permissions/{id}. */
    private static final String NOT_FOUND_RESPONSE = """
                    "404":
                      description: No such permission
                      content:
                        application/problem+json:
                          schema:
                            $ref: '#/components/schemas/Problem'
            """;

    /** What SmallRye generates for the same API: OpenAPI 3.1 JSON, other prose, nullable as a type array. */
    private static final String GENERATED = """
            {
              "openapi": "3.1.0",
              "info": { "title": "key-validator API", "version": "1.0.0-SNAPSHOT" },
              "servers": [ { "url": "http://localhost:8080" } ],
              "tags": [ { "name": "Permissions" } ],
              "paths": {
                "/api/v1/permissions/{id}": {
                  "get": {
                    "tags": [ "Permissions" ],
                    "operationId": "get",
                    "parameters": [
                      { "name": "id", "in": "path", "required": true,
                        "schema": { "type": "integer", "format": "int64" } }
                    ],
                    "responses": {
                      "200": { "description": "OK",
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Permission" } } } },
                      "404": { "description": "Not Found",
                        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
                    }
                  }
                },
                "/api/v1/permissions": {
                  "get": {
                    "operationId": "list",
                    "parameters": [
                      { "name": "page", "in": "query",
                        "schema": { "type": "integer", "format": "int32", "examples": [ 0 ] } },
                      { "name": "scope", "in": "query", "required": true,
                        "schema": { "$ref": "#/components/schemas/Scope" } }
                    ],
                    "responses": {
                      "200": { "description": "OK", "content": { "application/json": {
                        "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Permission" } } } } }
                    }
                  },
                  "post": {
                    "requestBody": { "required": true, "content": { "application/json": {
                      "schema": { "$ref": "#/components/schemas/NewPermission" } } } },
                    "responses": {
                      "201": { "description": "Created",
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Permission" } } } },
                      "400": { "description": "Bad Request",
                        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }
                    }
                  }
                }
              },
              "components": {
                "schemas": {
                  "NewPermission": { "type": "object", "required": [ "scope" ], "properties": {
                    "note": { "type": [ "string", "null" ] },
                    "scope": { "$ref": "#/components/schemas/Scope" } } },
                  "Permission": { "type": "object", "required": [ "scope", "id" ], "properties": {
                    "id": { "type": "integer", "format": "int64", "examples": [ 42 ] },
                    "labels": { "type": "object", "additionalProperties": { "type": "string" } },
                    "note": { "type": [ "string", "null" ], "description": "Free text" },
                    "previousScope": { "anyOf": [ { "$ref": "#/components/schemas/Scope" }, { "type": "null" } ] },
                    "scope": { "$ref": "#/components/schemas/Scope" } } },
                  "Problem": { "type": "object", "properties": {
                    "detail": { "type": "string" },
                    "status": { "type": "integer", "format": "int32" },
                    "title": { "type": "string" },
                    "type": { "type": "string" } } },
                  "Scope": { "type": "string", "enum": [ "READ", "WRITE" ] }
                }
              }
            }
            """;

    @Test
    void findsNoDifferenceBetweenIdenticalDocuments() {
        assertEquals(List.of(), OpenApiContract.differences(CONTRACT, CONTRACT));
    }

    @Test
    void findsNoDifferenceBetweenA30ContractAndThe31DocumentSmallRyeGeneratesForIt() {
        assertEquals(List.of(), OpenApiContract.differences(CONTRACT, GENERATED));
    }

    @Test
    void reportsATypeThatChangedInA31Document() {
        String service = replaced(GENERATED, "\"note\": { \"type\": [ \"string\", \"null\" ], \"description\"",
                "\"note\": { \"type\": [ \"integer\", \"null\" ], \"description\"");

        assertEquals(List.of("schema 'Permission', property 'note': type is string in the contract but integer in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAPathThatWasRenamed() {
        String service = replaced(CONTRACT, "/api/v1/permissions/{id}:", "/api/v1/permission/{id}:");

        assertEquals(List.of(
                        "path '/api/v1/permissions/{id}' is in the contract but not in the service",
                        "path '/api/v1/permission/{id}' is in the service but not in the contract"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAMethodTheContractDoesNotDocument() {
        String service = replaced(CONTRACT, "  /api/v1/permissions/{id}:\n", """
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
                """);

        assertEquals(List.of("/api/v1/permissions/{id}: method DELETE is in the service but not in the contract"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAQueryParameterTheServiceDoesNotTake() {
        String service = replaced(CONTRACT, """
                        - name: page
                          in: query
                          schema:
                            type: integer
                            format: int32
                """, "");

        assertEquals(List.of("GET /api/v1/permissions: parameter 'page' (query) is in the contract but not in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAParameterWhoseTypeChanged() {
        String service = replaced(CONTRACT, """
                        - name: page
                          in: query
                          schema:
                            type: integer
                            format: int32
                """, """
                        - name: page
                          in: query
                          schema:
                            type: string
                """);

        assertEquals(List.of(
                        "GET /api/v1/permissions, parameter 'page' (query): type is integer in the contract but string in the service",
                        "GET /api/v1/permissions, parameter 'page' (query): format is int32 in the contract but not set in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAParameterThatBecameOptional() {
        String service = replaced(CONTRACT, "      in: query\n          required: true\n", "      in: query\n");

        assertEquals(List.of("GET /api/v1/permissions, parameter 'scope' (query): required is true in the contract but false in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAnInt32ThatBecameAnInt64() {
        String service = replaced(CONTRACT, "status:\n          type: integer\n          format: int32",
                "status:\n          type: integer\n          format: int64");

        assertEquals(List.of("schema 'Problem', property 'status': format is int32 in the contract but int64 in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsASchemaPropertyTheServiceAdded() {
        String service = replaced(CONTRACT, "    labels:\n",
                "    createdAt:\n          type: string\n          format: date-time\n        labels:\n");

        assertEquals(List.of("schema 'Permission': property 'createdAt' is in the service but not in the contract"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsASchemaPropertyTheServiceRemoved() {
        String service = replaced(CONTRACT,
                "\n        labels:\n          type: object\n          additionalProperties:\n            type: string", "");

        assertEquals(List.of("schema 'Permission': property 'labels' is in the contract but not in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsASchemaPropertyWhoseTypeChanged() {
        String service = replaced(CONTRACT, "detail:\n          type: string", "detail:\n          type: integer");

        assertEquals(List.of("schema 'Problem', property 'detail': type is string in the contract but integer in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAMapWhoseValueTypeChanged() {
        String service = replaced(CONTRACT,
                "additionalProperties:\n            type: string", "additionalProperties:\n            type: integer");

        assertEquals(List.of("schema 'Permission', property 'labels', additional properties: type is string in the contract but integer in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAPropertyThatNowReferencesAnotherSchema() {
        String service = replaced(CONTRACT, "id:\n          type: integer\n          format: int64",
                "id:\n          $ref: '#/components/schemas/Scope'");

        assertEquals(List.of("schema 'Permission', property 'id': schema is an inline integer in the contract but a reference to 'Scope' in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsARequiredListThatChanged() {
        String service = replaced(CONTRACT, "required: [id, scope]", "required: [id, note]");

        assertEquals(List.of(
                        "schema 'Permission': required property 'scope' is in the contract but not in the service",
                        "schema 'Permission': required property 'note' is in the service but not in the contract"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAnEnumValueThatChanged() {
        String service = replaced(CONTRACT, "enum: [READ, WRITE]", "enum: [READ, ADMIN]");

        assertEquals(List.of(
                        "schema 'Scope': enum value 'WRITE' is in the contract but not in the service",
                        "schema 'Scope': enum value 'ADMIN' is in the service but not in the contract"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAResponseThatNowReferencesAnotherSchema() {
        String service = replaced(CONTRACT, """
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
                """);

        assertEquals(List.of("POST /api/v1/permissions, response 201 (application/json): schema is a reference to 'Permission' "
                        + "in the contract but a reference to 'NewPermission' in the service"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsARequestBodyInAnotherMediaType() {
        String service = replaced(CONTRACT, """
                      requestBody:
                        content:
                          application/json:
                """, """
                      requestBody:
                        content:
                          application/x-www-form-urlencoded:
                """);

        assertEquals(List.of(
                        "POST /api/v1/permissions, request body: media type 'application/json' is in the contract but not in the service",
                        "POST /api/v1/permissions, request body: media type 'application/x-www-form-urlencoded' is in the service but not in the contract"),
                OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void acceptsAnErrorResponseOnlyTheContractDocuments() {
        String service = replaced(CONTRACT, NOT_FOUND_RESPONSE, "");

        assertEquals(List.of(), OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void reportsAnErrorResponseOnlyTheServiceDeclares() {
        String contract = replaced(CONTRACT, NOT_FOUND_RESPONSE, "");

        assertEquals(List.of("GET /api/v1/permissions/{id}: response 404 is in the service but not in the contract"),
                OpenApiContract.differences(contract, CONTRACT));
    }

    @Test
    void comparesAnErrorResponseTheServiceDeclaresWithoutContentByItsPresenceOnly() {
        String service = replaced(CONTRACT, NOT_FOUND_RESPONSE, """
                        "404":
                          description: Not Found
                """);

        assertEquals(List.of(), OpenApiContract.differences(CONTRACT, service));
    }

    @Test
    void ignoresQuarkusManagementPathsAndATrailingSlash() {
        String service = replaced(CONTRACT, "  /api/v1/permissions:\n", """
                  /q/health:
                    get:
                      responses:
                        "200":
                          description: Up
                  /api/v1/permissions/:
                """);

        assertEquals(List.of(), OpenApiContract.differences(CONTRACT, service));
    }

    /** A contract whose operations need an API key or a bearer token, but one that is public. */
    private static final String SECURED = """
            openapi: 3.0.3
            info:
              title: Widgets
              version: "1"
            security:
              - ApiKeyAuth: []
              - BearerAuth: []
            paths:
              /api/v1/widgets:
                get:
                  responses:
                    "200":
                      description: The widgets
                      content:
                        application/json:
                          schema:
                            type: array
                            items:
                              type: string
                    "401":
                      $ref: '#/components/responses/Unauthorized'
                    "403":
                      $ref: '#/components/responses/Forbidden'
                    "429":
                      $ref: '#/components/responses/TooManyRequests'
              /api/v1/catalogue:
                get:
                  security: []
                  responses:
                    "200":
                      description: Public
                      content:
                        application/json:
                          schema:
                            type: string
                    "401":
                      $ref: '#/components/responses/Unauthorized'
            components:
              securitySchemes:
                ApiKeyAuth:
                  type: apiKey
                  in: header
                  name: x-api-key
                BearerAuth:
                  type: http
                  scheme: bearer
                  bearerFormat: JWT
              responses:
                Unauthorized:
                  description: No credential
                  content:
                    application/problem+json:
                      schema:
                        $ref: '#/components/schemas/Problem'
                Forbidden:
                  description: Not allowed
                  content:
                    application/problem+json:
                      schema:
                        $ref: '#/components/schemas/Problem'
                TooManyRequests:
                  description: Slow down
                  headers:
                    Retry-After:
                      schema:
                        type: integer
                  content:
                    application/problem+json:
                      schema:
                        $ref: '#/components/schemas/Problem'
              schemas:
                Problem:
                  type: object
                  properties:
                    code:
                      type: string
            """;

    /** SECURED's widgets operation, from its 200 response on. */
    private static final String WIDGETS_RESPONSES = """
                  responses:
                    "200":
                      description: The widgets
            """;

    @Test
    void findsNoDifferenceBetweenIdenticalSecuredDocuments() {
        assertEquals(List.of(), OpenApiContract.differences(SECURED, SECURED));
    }

    @Test
    void comparesTheSecurityAnOperationTakesNotWhereItIsWritten() {
        String service = replaced(replaced(SECURED, "security:\n  - ApiKeyAuth: []\n  - BearerAuth: []\n", ""),
                WIDGETS_RESPONSES, """
                              security:
                                - BearerAuth: []
                                - ApiKeyAuth: []
                        """ + WIDGETS_RESPONSES);

        assertEquals(List.of(), OpenApiContract.differences(SECURED, service));
    }

    @Test
    void reportsAnOperationThatNoLongerNeedsACredential() {
        String service = replaced(SECURED, WIDGETS_RESPONSES, "      security: []\n" + WIDGETS_RESPONSES);

        assertEquals(List.of("GET /api/v1/widgets: security is ApiKeyAuth or BearerAuth in the contract but none in the service"),
                OpenApiContract.differences(SECURED, service));
    }

    @Test
    void reportsAnOperationThatTakesOneSchemeLess() {
        String service = replaced(SECURED, WIDGETS_RESPONSES, "      security:\n        - ApiKeyAuth: []\n"
                + WIDGETS_RESPONSES);

        assertEquals(List.of("GET /api/v1/widgets: security is ApiKeyAuth or BearerAuth in the contract but ApiKeyAuth in the service"),
                OpenApiContract.differences(SECURED, service));
    }

    @Test
    void reportsAPublicOperationThatNowNeedsACredential() {
        String service = replaced(SECURED, "      security: []\n", "");

        assertEquals(List.of("GET /api/v1/catalogue: security is none in the contract but ApiKeyAuth or BearerAuth in the service"),
                OpenApiContract.differences(SECURED, service));
    }

    @Test
    void reportsAnApiKeySchemeThatMovedToTheQuery() {
        String service = replaced(SECURED, "in: header\n      name: x-api-key", "in: query\n      name: api_key");

        assertEquals(List.of(
                        "security scheme 'ApiKeyAuth': in is header in the contract but query in the service",
                        "security scheme 'ApiKeyAuth': name is x-api-key in the contract but api_key in the service"),
                OpenApiContract.differences(SECURED, service));
    }

    @Test
    void reportsASchemeOnlyTheContractDeclares() {
        String service = replaced(replaced(SECURED, "  - BearerAuth: []\n", ""),
                "    BearerAuth:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT\n", "");

        assertEquals(List.of(
                        "security scheme 'BearerAuth' is in the contract but not in the service",
                        "GET /api/v1/widgets: security is ApiKeyAuth or BearerAuth in the contract but ApiKeyAuth in the service"),
                OpenApiContract.differences(SECURED, service));
    }

    @Test
    void reportsACredentialAnswerASecuredOperationNoLongerDeclares() {
        String service = replaced(SECURED, """
                        "429":
                          $ref: '#/components/responses/TooManyRequests'
                """, "");

        assertEquals(List.of("GET /api/v1/widgets: response 429 is in the contract but not in the service"),
                OpenApiContract.differences(SECURED, service));
    }

    @Test
    void reportsACredentialAnswerThatIsNoLongerTheSharedResponse() {
        String service = replaced(SECURED, """
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
                """);

        assertEquals(List.of("GET /api/v1/widgets, response 401: shared response is Unauthorized in the contract but not set in the service"),
                OpenApiContract.differences(SECURED, service));
    }

    @Test
    void reportsATooManyRequestsAnswerWithoutRetryAfter() {
        String service = replaced(SECURED, """
                      headers:
                        Retry-After:
                          schema:
                            type: integer
                """, "");

        assertEquals(List.of("GET /api/v1/widgets, response 429: header 'retry-after' is in the contract but not in the service"),
                OpenApiContract.differences(SECURED, service));
    }

    @Test
    void acceptsACredentialAnswerOnlyTheContractDocumentsOnAPublicOperation() {
        String service = replaced(SECURED, """
                        "401":
                          $ref: '#/components/responses/Unauthorized'
                components:
                """, "components:\n");

        assertEquals(List.of(), OpenApiContract.differences(SECURED, service));
    }

    @Test
    void refusesInvalidYamlNamingItsSource() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> OpenApiContract.parse("openapi: 3.0.3\npaths: [unclosed", "openapi/broken.yaml"));

        assertTrue(error.getMessage().startsWith("openapi/broken.yaml is not a valid OpenAPI document:"),
                error.getMessage());
    }

    @Test
    void refusesAContractWithADanglingReference() {
        String contract = replaced(CONTRACT,
                "$ref: '#/components/schemas/NewPermission'", "$ref: '#/components/schemas/Missing'");

        AssertionError error = assertThrows(AssertionError.class,
                () -> OpenApiContract.parse(contract, "openapi/permissions.yaml"));

        assertTrue(error.getMessage().contains("Missing"), error.getMessage());
    }

    @Test
    void passesAServiceThatMatchesTheContractOnTheClasspath(@TempDir Path classpath) throws IOException {
        withContractOnTheClasspath(classpath, CONTRACT,
                () -> OpenApiContract.assertServiceMatches("openapi/permissions.yaml", GENERATED));
    }

    @Test
    void failsAServiceThatDoesNotMatchWithEveryDifference(@TempDir Path classpath) throws IOException {
        String pageIsALong = replaced(GENERATED,
                "\"format\": \"int32\", \"examples\"", "\"format\": \"int64\", \"examples\"");
        String service = replaced(pageIsALong, "\"enum\": [ \"READ\", \"WRITE\" ]", "\"enum\": [ \"READ\" ]");

        AssertionError error = assertThrows(AssertionError.class, () -> withContractOnTheClasspath(classpath, CONTRACT,
                () -> OpenApiContract.assertServiceMatches("openapi/permissions.yaml", service)));

        assertEquals("""
                the service does not match openapi/permissions.yaml:
                GET /api/v1/permissions, parameter 'page' (query): format is int32 in the contract but int64 in the service
                schema 'Scope': enum value 'WRITE' is in the contract but not in the service""", error.getMessage());
    }

    @Test
    void refusesAContractThatIsNotOnTheClasspath() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> OpenApiContract.assertServiceMatches("openapi/no-such-service.yaml", GENERATED));

        assertEquals("no contract on the classpath at openapi/no-such-service.yaml", error.getMessage());
    }

    /** Runs {@code check} with {@code contract} on the thread's classpath as openapi/permissions.yaml. */
    private static void withContractOnTheClasspath(Path root, String contract, Runnable check) throws IOException {
        Files.createDirectories(root.resolve("openapi"));
        Files.writeString(root.resolve("openapi/permissions.yaml"), contract);
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            thread.setContextClassLoader(loader);
            check.run();
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    /** The text with {@code target} replaced; fails when the target is missing, so no test silently tests nothing. */
    private static String replaced(String text, String target, String replacement) {
        assertTrue(text.contains(target), () -> "the test document does not contain:\n" + target);
        return text.replace(target, replacement);
    }
}
