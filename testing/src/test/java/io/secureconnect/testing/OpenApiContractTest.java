package io.secureconnect.testing;

import static io.secureconnect.testing.OpenApiDocuments.CONTRACT;
import static io.secureconnect.testing.OpenApiDocuments.GENERATED;
import static io.secureconnect.testing.OpenApiDocuments.replaced;
import static io.secureconnect.testing.OpenApiDriftCases.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.secureconnect.testing.OpenApiDriftCases.DriftCase;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiContractTest {

    @Test
    void findsNoDifferenceBetweenIdenticalDocuments() {
        assertEquals(List.of(), differences(IDENTICAL));
    }

    @Test
    void findsNoDifferenceBetweenA30ContractAndThe31DocumentSmallRyeGeneratesForIt() {
        assertEquals(List.of(), differences(GENERATED_FOR_THE_CONTRACT));
    }

    @Test
    void reportsATypeThatChangedInA31Document() {
        assertEquals(List.of("schema 'Permission', property 'note': type is string in the contract but integer in the service"),
                differences(TYPE_CHANGED_IN_A_31_DOCUMENT));
    }

    @Test
    void reportsAPathThatWasRenamed() {
        assertEquals(List.of(
                        "path '/api/v1/permissions/{id}' is in the contract but not in the service",
                        "path '/api/v1/permission/{id}' is in the service but not in the contract"),
                differences(PATH_RENAMED));
    }

    @Test
    void reportsAMethodTheContractDoesNotDocument() {
        assertEquals(List.of("/api/v1/permissions/{id}: method DELETE is in the service but not in the contract"),
                differences(METHOD_NOT_DOCUMENTED));
    }

    @Test
    void reportsAQueryParameterTheServiceDoesNotTake() {
        assertEquals(List.of("GET /api/v1/permissions: parameter 'page' (query) is in the contract but not in the service"),
                differences(QUERY_PARAMETER_REMOVED));
    }

    @Test
    void reportsAParameterWhoseTypeChanged() {
        assertEquals(List.of(
                        "GET /api/v1/permissions, parameter 'page' (query): type is integer in the contract but string in the service",
                        "GET /api/v1/permissions, parameter 'page' (query): format is int32 in the contract but not set in the service"),
                differences(PARAMETER_TYPE_CHANGED));
    }

    @Test
    void reportsAParameterThatBecameOptional() {
        assertEquals(List.of("GET /api/v1/permissions, parameter 'scope' (query): required is true in the contract but false in the service"),
                differences(PARAMETER_NOW_OPTIONAL));
    }

    @Test
    void reportsARequestBodyThatBecameOptional() {
        String optional = CONTRACT.replaceFirst(
                "(\\$ref: '#/components/schemas/NewPermission'\n) +required: true\n", "$1");
        assertNotEquals(CONTRACT, optional, "the contract's request body was required");
        assertEquals(List.of("POST /api/v1/permissions: request body required is true in the contract but false in "
                + "the service"), OpenApiContract.differences(CONTRACT, optional));
    }

    @Test
    void reportsAnInt32ThatBecameAnInt64() {
        assertEquals(List.of("schema 'Problem', property 'status': format is int32 in the contract but int64 in the service"),
                differences(INT32_NOW_INT64));
    }

    @Test
    void reportsASchemaPropertyTheServiceAdded() {
        assertEquals(List.of("schema 'Permission': property 'createdAt' is in the service but not in the contract"),
                differences(PROPERTY_ADDED));
    }

    @Test
    void reportsASchemaPropertyTheServiceRemoved() {
        assertEquals(List.of("schema 'Permission': property 'labels' is in the contract but not in the service"),
                differences(PROPERTY_REMOVED));
    }

    @Test
    void reportsASchemaPropertyWhoseTypeChanged() {
        assertEquals(List.of("schema 'Problem', property 'detail': type is string in the contract but integer in the service"),
                differences(PROPERTY_TYPE_CHANGED));
    }

    @Test
    void reportsAMapWhoseValueTypeChanged() {
        assertEquals(List.of("schema 'Permission', property 'labels', additional properties: type is string in the contract but integer in the service"),
                differences(MAP_VALUE_TYPE_CHANGED));
    }

    @Test
    void reportsAPropertyThatNowReferencesAnotherSchema() {
        assertEquals(List.of("schema 'Permission', property 'id': schema is an inline integer in the contract but a reference to 'Scope' in the service"),
                differences(PROPERTY_NOW_A_REFERENCE));
    }

    @Test
    void reportsARequiredListThatChanged() {
        assertEquals(List.of(
                        "schema 'Permission': required property 'scope' is in the contract but not in the service",
                        "schema 'Permission': required property 'note' is in the service but not in the contract"),
                differences(REQUIRED_LIST_CHANGED));
    }

    @Test
    void reportsAnEnumValueThatChanged() {
        assertEquals(List.of(
                        "schema 'Scope': enum value 'WRITE' is in the contract but not in the service",
                        "schema 'Scope': enum value 'ADMIN' is in the service but not in the contract"),
                differences(ENUM_VALUE_CHANGED));
    }

    @Test
    void reportsAResponseThatNowReferencesAnotherSchema() {
        assertEquals(List.of("POST /api/v1/permissions, response 201 (application/json): schema is a reference to 'Permission' "
                        + "in the contract but a reference to 'NewPermission' in the service"),
                differences(RESPONSE_NOW_ANOTHER_SCHEMA));
    }

    @Test
    void reportsARequestBodyInAnotherMediaType() {
        assertEquals(List.of(
                        "POST /api/v1/permissions, request body: media type 'application/json' is in the contract but not in the service",
                        "POST /api/v1/permissions, request body: media type 'application/x-www-form-urlencoded' is in the service but not in the contract"),
                differences(REQUEST_BODY_MEDIA_TYPE_CHANGED));
    }

    @Test
    void acceptsAnErrorResponseOnlyTheContractDocuments() {
        assertEquals(List.of(), differences(ERROR_RESPONSE_ONLY_IN_CONTRACT));
    }

    @Test
    void reportsAnErrorResponseOnlyTheServiceDeclares() {
        assertEquals(List.of("GET /api/v1/permissions/{id}: response 404 is in the service but not in the contract"),
                differences(ERROR_RESPONSE_ONLY_IN_SERVICE));
    }

    @Test
    void comparesAnErrorResponseTheServiceDeclaresWithoutContentByItsPresenceOnly() {
        assertEquals(List.of(), differences(ERROR_RESPONSE_WITHOUT_CONTENT_IN_SERVICE));
    }

    @Test
    void ignoresQuarkusManagementPathsAndATrailingSlash() {
        assertEquals(List.of(), differences(MANAGEMENT_PATHS_AND_TRAILING_SLASH));
    }

    @Test
    void findsNoDifferenceBetweenIdenticalSecuredDocuments() {
        assertEquals(List.of(), differences(SECURED_IDENTICAL));
    }

    @Test
    void comparesTheSecurityAnOperationTakesNotWhereItIsWritten() {
        assertEquals(List.of(), differences(SECURITY_WRITTEN_PER_OPERATION));
    }

    @Test
    void reportsAnOperationThatNoLongerNeedsACredential() {
        assertEquals(List.of("GET /api/v1/widgets: security is ApiKeyAuth or BearerAuth in the contract but none in the service"),
                differences(CREDENTIAL_NO_LONGER_NEEDED));
    }

    @Test
    void reportsAnOperationThatTakesOneSchemeLess() {
        assertEquals(List.of("GET /api/v1/widgets: security is ApiKeyAuth or BearerAuth in the contract but ApiKeyAuth in the service"),
                differences(ONE_SCHEME_LESS));
    }

    @Test
    void reportsAPublicOperationThatNowNeedsACredential() {
        assertEquals(List.of("GET /api/v1/catalogue: security is none in the contract but ApiKeyAuth or BearerAuth in the service"),
                differences(PUBLIC_OPERATION_NOW_SECURED));
    }

    @Test
    void reportsAnApiKeySchemeThatMovedToTheQuery() {
        assertEquals(List.of(
                        "security scheme 'ApiKeyAuth': in is header in the contract but query in the service",
                        "security scheme 'ApiKeyAuth': name is x-api-key in the contract but api_key in the service"),
                differences(API_KEY_MOVED_TO_THE_QUERY));
    }

    @Test
    void reportsASchemeOnlyTheContractDeclares() {
        assertEquals(List.of(
                        "security scheme 'BearerAuth' is in the contract but not in the service",
                        "GET /api/v1/widgets: security is ApiKeyAuth or BearerAuth in the contract but ApiKeyAuth in the service"),
                differences(SCHEME_ONLY_IN_CONTRACT));
    }

    @Test
    void reportsACredentialAnswerASecuredOperationNoLongerDeclares() {
        assertEquals(List.of("GET /api/v1/widgets: response 429 is in the contract but not in the service"),
                differences(CREDENTIAL_ANSWER_DROPPED));
    }

    @Test
    void reportsACredentialAnswerThatIsNoLongerTheSharedResponse() {
        assertEquals(List.of("GET /api/v1/widgets, response 401: shared response is Unauthorized in the contract but not set in the service"),
                differences(CREDENTIAL_ANSWER_NOT_SHARED));
    }

    @Test
    void reportsATooManyRequestsAnswerWithoutRetryAfter() {
        assertEquals(List.of("GET /api/v1/widgets, response 429: header 'retry-after' is in the contract but not in the service"),
                differences(RETRY_AFTER_DROPPED));
    }

    @Test
    void acceptsACredentialAnswerOnlyTheContractDocumentsOnAPublicOperation() {
        assertEquals(List.of(), differences(CREDENTIAL_ANSWER_ONLY_IN_CONTRACT_WHEN_PUBLIC));
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
        String service = TWO_CHANGES_IN_A_31_DOCUMENT.service();

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

    private static List<String> differences(DriftCase drift) {
        return OpenApiContract.differences(drift.contract(), drift.service());
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
}
