package io.secureconnect.testing;

import static java.util.stream.Collectors.joining;

import io.secureconnect.testing.OpenApiContract.Differences;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares how a contract and a generated document say callers authenticate: the security schemes, each
 * operation's effective security requirement (its own, else the document's), and, on an operation that requires a
 * credential, its 401, 403 and 429 answers: each must be on both sides or neither, be the same shared response
 * ({@code $ref}) and carry the same headers (429's {@code Retry-After}). Their bodies are compared with the other
 * responses'. Descriptions are prose and are not compared.
 */
final class SecurityComparison {

    /** The answers every operation that checks a credential may give, however it is called. */
    static final Set<String> CREDENTIAL_ANSWERS = Set.of("401", "403", "429");

    private static final String NONE = "none";

    private final OpenAPI contract;
    private final OpenAPI service;
    private final Differences differences;

    SecurityComparison(OpenAPI contract, OpenAPI service, Differences differences) {
        this.contract = contract;
        this.service = service;
        this.differences = differences;
    }

    void compareSchemes() {
        Map<String, SecurityScheme> inContract = schemes(contract);
        Map<String, SecurityScheme> inService = schemes(service);
        differences.oneSided("", inContract.keySet(), inService.keySet(), name -> "security scheme '" + name + "'");
        inContract.forEach((name, scheme) -> {
            SecurityScheme other = inService.get(name);
            if (other != null) {
                String where = "security scheme '" + name + "'";
                differences.unequal(where, "type", scheme.getType(), other.getType());
                differences.unequal(where, "in", scheme.getIn(), other.getIn());
                differences.unequal(where, "name", nameOf(scheme), nameOf(other));
                differences.unequal(where, "scheme", lowerCase(scheme.getScheme()), lowerCase(other.getScheme()));
                differences.unequal(where, "bearerFormat", scheme.getBearerFormat(), other.getBearerFormat());
                differences.unequal(where, "openIdConnectUrl", scheme.getOpenIdConnectUrl(),
                        other.getOpenIdConnectUrl());
            }
        });
    }

    /**
     * Compares the operation's effective security; true when either side requires a credential, so that its
     * 401, 403 and 429 answers must agree both ways.
     */
    boolean compareOperation(String where, Operation inContract, Operation inService) {
        String documented = effectiveSecurity(contract, inContract);
        String declared = effectiveSecurity(service, inService);
        differences.unequal(where, "security", documented, declared);
        return !documented.equals(NONE) || !declared.equals(NONE);
    }

    /** Compares an answer of {@link #CREDENTIAL_ANSWERS} that both sides give: the shared response and headers. */
    void compareCredentialAnswer(String where, ApiResponse inContract, ApiResponse inService,
            ApiResponse resolvedInContract, ApiResponse resolvedInService) {
        differences.unequal(where, "shared response", referenceName(inContract), referenceName(inService));
        differences.oneSided(where, headerNames(resolvedInContract), headerNames(resolvedInService),
                header -> "header '" + header + "'");
    }

    /**
     * "ApiKeyAuth or BearerAuth", "none" for no requirement (absent or {@code security: []}), "anonymous" for the
     * empty requirement {@code {}} that makes a credential optional; alternatives sorted, schemes of one
     * alternative joined by "and".
     */
    private static String effectiveSecurity(OpenAPI document, Operation operation) {
        List<SecurityRequirement> requirements =
                operation.getSecurity() != null ? operation.getSecurity() : document.getSecurity();
        if (requirements == null || requirements.isEmpty()) {
            return NONE;
        }
        return requirements.stream().map(SecurityComparison::describe).sorted().distinct().collect(joining(" or "));
    }

    private static String describe(SecurityRequirement requirement) {
        if (requirement.isEmpty()) {
            return "anonymous";
        }
        Set<String> schemes = new TreeSet<>();
        requirement.forEach((scheme, scopes) ->
                schemes.add(scopes == null || scopes.isEmpty() ? scheme : scheme + new TreeSet<>(scopes)));
        return String.join(" and ", schemes);
    }

    private static Map<String, SecurityScheme> schemes(OpenAPI document) {
        if (document.getComponents() == null || document.getComponents().getSecuritySchemes() == null) {
            return Map.of();
        }
        return document.getComponents().getSecuritySchemes();
    }

    private static String referenceName(ApiResponse response) {
        String ref = response.get$ref();
        return ref == null ? null : ref.substring(ref.lastIndexOf('/') + 1);
    }

    /** Header names are case-insensitive. */
    private static Set<String> headerNames(ApiResponse response) {
        Set<String> names = new TreeSet<>();
        if (response.getHeaders() != null) {
            response.getHeaders().keySet().forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
        }
        return names;
    }

    /** An API key's parameter name; a header's in lower case, as header names are case-insensitive. */
    private static String nameOf(SecurityScheme scheme) {
        return scheme.getIn() == SecurityScheme.In.HEADER ? lowerCase(scheme.getName()) : scheme.getName();
    }

    private static String lowerCase(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
