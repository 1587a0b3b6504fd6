package io.secureconnect.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every published contract parses and validates with swagger-parser, without a single message. */
class ContractsAreValidTest {

    static List<Path> contracts() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/openapi"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @ParameterizedTest(name = "{0} is a valid OpenAPI 3 document")
    @MethodSource("contracts")
    void contractParsesWithoutMessages(Path contract) throws IOException {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(Files.readString(contract), null, options);
        assertNotNull(result.getOpenAPI(), contract + " did not parse: " + result.getMessages());
        assertEquals(List.of(), result.getMessages(), contract + " has validation messages");
        assertTrue(result.getOpenAPI().getPaths() != null && !result.getOpenAPI().getPaths().isEmpty(),
                contract + " declares no path");
    }

    @org.junit.jupiter.api.Test
    void everyServiceHasAContract() throws IOException {
        List<String> names = contracts().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("connector-policy.yaml", "key-validator.yaml", "tunnel-registry.yaml"), names);
    }
}
