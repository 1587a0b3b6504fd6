package io.secureconnect.testing;

import static java.util.stream.Collectors.joining;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.PathItem.HttpMethod;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Proves that a service's generated OpenAPI document ({@code /q/openapi}) says the same as its hand-written
 * contract: the same paths, methods, parameters, bodies, responses and schemas, and the same security schemes and
 * security of each operation ({@link SecurityComparison}). Descriptions, examples, tags, operation ids and servers
 * are prose or deployment detail and are not compared.
 */
public final class OpenApiContract {

    /** Quarkus management endpoints (health, metrics, the OpenAPI document itself) are not part of a contract. */
    private static final String MANAGEMENT_PATHS = "/q/";

    private final OpenAPI contract;
    private final OpenAPI service;
    private final Differences differences = new Differences();
    private final SchemaComparison schemas;
    private final SecurityComparison security;

    private OpenApiContract(OpenAPI contract, OpenAPI service) {
        this.contract = contract;
        this.service = service;
        this.schemas = new SchemaComparison(contract, service, differences);
        this.security = new SecurityComparison(contract, service, differences);
    }

    /**
     * Parses an OpenAPI 3.0 or 3.1 document (YAML or JSON text) with swagger-parser; throws AssertionError listing
     * the parser's messages if it has any. {@code sourceName} names the document in that error.
     */
    public static OpenAPI parse(String text, String sourceName) {
        // Default options keep every $ref a reference, so that references are compared by the name they point to.
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(text, null, new ParseOptions());
        List<String> messages = result.getMessages() == null ? List.of() : result.getMessages();
        if (result.getOpenAPI() == null || !messages.isEmpty()) {
            throw new AssertionError(sourceName + " is not a valid OpenAPI document:"
                    + messages.stream().map(message -> "\n  " + message).collect(joining()));
        }
        return result.getOpenAPI();
    }

    /**
     * Human-readable differences, empty when the documents agree. Each entry reads like
     * "GET /api/v1/permissions: parameter 'page' (query) is in the contract but not in the service".
     */
    public static List<String> differences(String contractText, String generatedText) {
        return differences(parse(contractText, "the contract"), parse(generatedText, "the generated document"));
    }

    /**
     * Compares the contract at a classpath resource (e.g. "openapi/key-validator.yaml") with a service's generated
     * document; throws AssertionError listing every difference, one a line.
     */
    public static void assertServiceMatches(String contractResource, String generatedText) {
        List<String> found = differences(
                parse(readResource(contractResource), contractResource),
                parse(generatedText, "the service's generated OpenAPI document"));
        if (!found.isEmpty()) {
            throw new AssertionError(
                    "the service does not match " + contractResource + ":\n" + String.join("\n", found));
        }
    }

    private static List<String> differences(OpenAPI contract, OpenAPI service) {
        OpenApiContract comparison = new OpenApiContract(contract, service);
        comparison.security.compareSchemes();
        comparison.comparePaths();
        comparison.schemas.compareReachableComponents();
        return comparison.differences.list();
    }

    private void comparePaths() {
        Map<String, PathItem> inContract = comparablePaths(contract);
        Map<String, PathItem> inService = comparablePaths(service);
        differences.oneSided("", inContract.keySet(), inService.keySet(), path -> "path '" + path + "'");
        inContract.forEach((path, item) -> {
            if (inService.containsKey(path)) {
                compareMethods(path, item, inService.get(path));
            }
        });
    }

    private static Map<String, PathItem> comparablePaths(OpenAPI document) {
        Map<String, PathItem> paths = new TreeMap<>();
        if (document.getPaths() != null) {
            document.getPaths().forEach((path, item) -> {
                boolean trailingSlash = path.length() > 1 && path.endsWith("/");
                String normalised = trailingSlash ? path.substring(0, path.length() - 1) : path;
                if (!normalised.startsWith(MANAGEMENT_PATHS)) {
                    paths.put(normalised, item);
                }
            });
        }
        return paths;
    }

    private void compareMethods(String path, PathItem inContract, PathItem inService) {
        Map<HttpMethod, Operation> contractOperations = inContract.readOperationsMap();
        Map<HttpMethod, Operation> serviceOperations = inService.readOperationsMap();
        differences.oneSided(path, names(contractOperations.keySet()), names(serviceOperations.keySet()),
                method -> "method " + method);
        contractOperations.forEach((method, operation) -> {
            Operation other = serviceOperations.get(method);
            if (other != null) {
                String where = method + " " + path;
                compareParameters(where,
                        parameters(contract, inContract, operation), parameters(service, inService, other));
                compareRequestBodies(where, operation.getRequestBody(), other.getRequestBody());
                boolean secured = security.compareOperation(where, operation, other);
                compareResponses(where, operation, other, secured);
            }
        });
    }

    private void compareParameters(String where, Map<String, Parameter> inContract, Map<String, Parameter> inService) {
        differences.oneSided(where, inContract.keySet(), inService.keySet(), parameter -> "parameter " + parameter);
        inContract.forEach((key, parameter) -> {
            Parameter other = inService.get(key);
            if (other != null) {
                String at = where + ", parameter " + key;
                differences.unequal(at, "required", isRequired(parameter), isRequired(other));
                schemas.compare(at, parameter.getSchema(), other.getSchema());
            }
        });
    }

    /** The operation's parameters by "'name' (in)", path-level ones first and overridden by the operation's own. */
    private static Map<String, Parameter> parameters(OpenAPI document, PathItem item, Operation operation) {
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        Map<String, Parameter> components = document.getComponents() == null ? null
                : document.getComponents().getParameters();
        Stream.concat(listOrEmpty(item.getParameters()).stream(), listOrEmpty(operation.getParameters()).stream())
                .map(parameter -> resolve(parameter, parameter.get$ref(), components))
                .forEach(parameter ->
                        parameters.put("'" + parameter.getName() + "' (" + parameter.getIn() + ")", parameter));
        return parameters;
    }

    private static boolean isRequired(Parameter parameter) {
        return "path".equals(parameter.getIn()) || Boolean.TRUE.equals(parameter.getRequired());
    }

    private void compareRequestBodies(String where, RequestBody inContract, RequestBody inService) {
        RequestBody contractBody = inContract == null ? null : resolve(inContract, inContract.get$ref(),
                contract.getComponents() == null ? null : contract.getComponents().getRequestBodies());
        RequestBody serviceBody = inService == null ? null : resolve(inService, inService.get$ref(),
                service.getComponents() == null ? null : service.getComponents().getRequestBodies());
        if (contractBody == null || serviceBody == null) {
            differences.presence(where, "request body", contractBody != null, serviceBody != null);
            return;
        }
        differences.unequal(where, "request body required", Boolean.TRUE.equals(contractBody.getRequired()),
                Boolean.TRUE.equals(serviceBody.getRequired()));
        compareContent(where + ", request body", contractBody.getContent(), serviceBody.getContent());
    }

    /**
     * Success responses must agree both ways, and so must the 401, 403 and 429 of an operation that requires a
     * credential ({@code secured}), which are also compared as shared responses. Any other error response only the
     * contract documents is fine: SmallRye lists error responses only when a method is annotated with them. An
     * error response only the service declares is a difference, and one the service declares without any content
     * is compared by its presence only.
     */
    private void compareResponses(String where, Operation inContract, Operation inService, boolean secured) {
        Map<String, ApiResponse> contractResponses = responses(contract, inContract);
        Map<String, ApiResponse> serviceResponses = responses(service, inService);
        Set<String> statuses = new TreeSet<>(contractResponses.keySet());
        statuses.addAll(serviceResponses.keySet());
        for (String status : statuses) {
            ApiResponse documented = contractResponses.get(status);
            ApiResponse declared = serviceResponses.get(status);
            boolean credentialAnswer = secured && SecurityComparison.CREDENTIAL_ANSWERS.contains(status);
            boolean bothWays = status.startsWith("2") || credentialAnswer;
            String at = where + ", response " + status;
            if (documented == null || declared == null) {
                if (bothWays || declared != null) {
                    differences.presence(where, "response " + status, documented != null, declared != null);
                }
                continue;
            }
            if (credentialAnswer) {
                security.compareCredentialAnswer(at, inContract.getResponses().get(status),
                        inService.getResponses().get(status), documented, declared);
            }
            if (bothWays || !isEmpty(declared.getContent())) {
                compareContent(at, documented.getContent(), declared.getContent());
            }
        }
    }

    private static Map<String, ApiResponse> responses(OpenAPI document, Operation operation) {
        Map<String, ApiResponse> responses = new TreeMap<>();
        if (operation.getResponses() != null) {
            Map<String, ApiResponse> components = document.getComponents() == null ? null
                    : document.getComponents().getResponses();
            operation.getResponses().forEach((status, response) ->
                    responses.put(status, resolve(response, response.get$ref(), components)));
        }
        return responses;
    }

    private void compareContent(String where, Content inContract, Content inService) {
        Map<String, MediaType> contractTypes = isEmpty(inContract) ? Map.of() : inContract;
        Map<String, MediaType> serviceTypes = isEmpty(inService) ? Map.of() : inService;
        differences.oneSided(where, contractTypes.keySet(), serviceTypes.keySet(), type -> "media type '" + type + "'");
        contractTypes.forEach((type, mediaType) -> {
            if (serviceTypes.containsKey(type)) {
                schemas.compare(where + " (" + type + ")", mediaType.getSchema(), serviceTypes.get(type).getSchema());
            }
        });
    }

    /** Follows a {@code #/components/<kind>/<name>} reference; anything else is returned as it is. */
    private static <T> T resolve(T item, String ref, Map<String, T> components) {
        if (ref == null || components == null) {
            return item;
        }
        T target = components.get(ref.substring(ref.lastIndexOf('/') + 1));
        return target == null ? item : target;
    }

    private static boolean isEmpty(Content content) {
        return content == null || content.isEmpty();
    }

    private static <T> List<T> listOrEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Set<String> names(Collection<HttpMethod> methods) {
        Set<String> names = new TreeSet<>();
        methods.forEach(method -> names.add(method.name()));
        return names;
    }

    private static String readResource(String name) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = context != null ? context : OpenApiContract.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new AssertionError("no contract on the classpath at " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /** Collects differences, phrased "where: what is X in the contract but Y in the service". */
    static final class Differences {

        private final List<String> found = new ArrayList<>();

        /** Reports every key that only one side has, phrased by {@code describe}. */
        void oneSided(String where, Set<String> inContract, Set<String> inService,
                Function<String, String> describe) {
            new TreeSet<>(inContract).stream().filter(key -> !inService.contains(key))
                    .forEach(key -> presence(where, describe.apply(key), true, false));
            new TreeSet<>(inService).stream().filter(key -> !inContract.contains(key))
                    .forEach(key -> presence(where, describe.apply(key), false, true));
        }

        void presence(String where, String what, boolean inContract, boolean inService) {
            if (inContract != inService) {
                found.add(prefix(where) + what + (inContract
                        ? " is in the contract but not in the service"
                        : " is in the service but not in the contract"));
            }
        }

        void unequal(String where, String what, Object inContract, Object inService) {
            if (!Objects.equals(inContract, inService)) {
                found.add(prefix(where) + what + " is " + shown(inContract) + " in the contract but "
                        + shown(inService) + " in the service");
            }
        }

        List<String> list() {
            return List.copyOf(found);
        }

        private static String prefix(String where) {
            return where.isEmpty() ? "" : where + ": ";
        }

        private static String shown(Object value) {
            return value == null ? "not set" : value.toString();
        }
    }
}
