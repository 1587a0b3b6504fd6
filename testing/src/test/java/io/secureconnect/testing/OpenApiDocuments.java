package io.secureconnect.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI documents the contract-diff tests change one thing in: a 3.0 contract, the 3.1 document SmallRye
 * generates for it, and a contract with security. Shared so that our comparison and the openapi-diff evaluation
 * run on the very same cases.
 */
final class OpenApiDocuments {

    private OpenApiDocuments() {
    }

    /** A hand-written contract in OpenAPI 3.0 YAML; each test changes one thing in a copy of it. */
    static final String CONTRACT = """
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
                    required: true
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
    static final String NOT_FOUND_RESPONSE = """
                    "404":
                      description: No such permission
                      content:
                        application/problem+json:
                          schema:
                            $ref: '#/components/schemas/Problem'
            """;

    /** What SmallRye generates for the same API: OpenAPI 3.1 JSON, other prose, nullable as a type array. */
    static final String GENERATED = """
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

    /** A contract whose operations need an API key or a bearer token, but one that is public. */
    static final String SECURED = """
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
    static final String WIDGETS_RESPONSES = """
                  responses:
                    "200":
                      description: The widgets
            """;

    /** The text with {@code target} replaced; fails when the target is missing, so no test silently tests nothing. */
    static String replaced(String text, String target, String replacement) {
        assertTrue(text.contains(target), () -> "the test document does not contain:\n" + target);
        return text.replace(target, replacement);
    }
}
