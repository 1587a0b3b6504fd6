package io.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a user of {@code docker compose up} relies on, checked by parsing docker-compose.yml, the
 * Dockerfiles and the database init script (this machine has no Docker engine to run them).
 */
@DisplayName("docker-compose.yml")
class DockerComposeTest {

    /** One row of the lead's table: a module's HTTP port, the ports its image exposes, its database, what it waits for. */
    record Module(String name, int httpPort, Set<Integer> exposed, String database, Set<String> dependencies) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Module> MODULES = List.of(
            new Module("key-validator", 8081, Set.of(8081), "secureconnect_keys", Set.of("postgres")),
            new Module("tunnel-registry", 8082, Set.of(8082, 9082), "secureconnect_registry",
                    Set.of("postgres", "key-validator")),
            new Module("connector-policy", 8083, Set.of(8083), "secureconnect_policy",
                    Set.of("postgres", "key-validator", "tunnel-registry")),
            new Module("gateway", 8084, union(Set.of(8084, 8443, 8444), range(30000, 30099)), null,
                    Set.of("key-validator", "tunnel-registry")),
            new Module("agent", 8085, Set.of(8085), null, Set.of("demo-setup", "gateway", "private-web")));

    /** Services that run once and exit. */
    static final Set<String> JOBS = Set.of("demo-setup");

    static final Path REPO = Path.of("").toAbsolutePath().getParent(); // tests run in e2e/
    static final Pattern JDBC_URL = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*");
    static final Pattern CREATE_DATABASE = Pattern.compile("(?i)\\bCREATE\\s+DATABASE\\s+\"?(\\w+)\"?");
    static final Pattern INTERPOLATION = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*[^}]*}");

    static Map<String, Object> compose;
    static Map<String, Object> services;

    @BeforeAll
    static void parseComposeFile() throws IOException {
        Path file = REPO.resolve("docker-compose.yml");
        assertTrue(Files.isRegularFile(file), "no compose file at " + file);
        try (Reader reader = Files.newBufferedReader(file)) {
            compose = map(new Yaml(new SafeConstructor(new LoaderOptions())).load(reader));
        }
        services = map(compose.get("services"));
    }

    static Stream<Module> modules() {
        return MODULES.stream();
    }

    static Stream<Module> databaseBackedModules() {
        return MODULES.stream().filter(m -> m.database() != null);
    }

    @Test
    @DisplayName("is a Compose spec file (no version key) defining the whole stack")
    void definesTheWholeStack() {
        assertFalse(compose.containsKey("version"), "the Compose spec has no version key");
        Set<String> expected = new TreeSet<>(Set.of("postgres", "keycloak", "private-web"));
        MODULES.forEach(m -> expected.add(m.name()));
        assertTrue(services.keySet().containsAll(expected), "services " + services.keySet() + " lack some of " + expected);
    }

    @Test
    @DisplayName("every service has an image or a build whose Dockerfile exists")
    void everyServiceHasAnImageOrABuildableDockerfile() {
        assertAll(services.keySet().stream().<Executable>map(name -> () -> {
            Map<String, Object> service = service(name);
            if (service.get("build") == null) {
                assertTrue(service.get("image") instanceof String s && !s.isBlank(), name + " has neither image nor build");
                return;
            }
            Path dockerfile = dockerfileOf(name);
            assertTrue(Files.isRegularFile(dockerfile), name + " builds from a missing Dockerfile " + dockerfile);
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    @DisplayName("each module is built from the repository root with its own Dockerfile")
    void eachModuleIsBuiltFromTheRepositoryRoot(Module module) {
        Object build = service(module.name()).get("build");
        assertTrue(build instanceof Map, module + " has no build section");
        Map<String, Object> section = map(build);
        assertEquals(REPO, REPO.resolve(String.valueOf(section.get("context"))).normalize(), module + " build context");
        assertEquals(REPO.resolve(module.name() + "/src/main/docker/Dockerfile"), dockerfileOf(module.name()));
    }

    @Test
    @DisplayName("every service has a health check, none exempt")
    void everyServiceHasAHealthCheck() {
        assertAll(services.keySet().stream().<Executable>map(name -> () -> {
            Map<String, Object> healthcheck = map(service(name).get("healthcheck"));
            assertNotEquals(Boolean.TRUE, healthcheck.get("disable"), name + " disables its health check");
            List<String> test = healthcheckTest(name);
            assertFalse(test.isEmpty() || test.get(0).equals("NONE"), name + " has no health check test");
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    @DisplayName("each module listens on its port and its health check asks /q/health/ready there")
    void eachModuleChecksItsOwnReadiness(Module module) {
        assertEquals(String.valueOf(module.httpPort()), environment(module.name()).get("QUARKUS_HTTP_PORT"), module + " QUARKUS_HTTP_PORT");
        String test = String.join(" ", healthcheckTest(module.name()));
        assertTrue(test.contains(":" + module.httpPort() + "/q/health/ready"), module + " health check is `" + test + "`");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    @DisplayName("each module waits until its dependencies are healthy (one-shot jobs: until they succeeded)")
    void eachModuleWaitsForHealthyDependencies(Module module) {
        Map<String, String> dependsOn = dependsOn(module.name());
        assertTrue(dependsOn.keySet().containsAll(module.dependencies()),
                module + " depends on " + dependsOn.keySet() + ", must include " + module.dependencies());
        dependsOn.forEach((dependency, condition) -> assertEquals(JOBS.contains(dependency)
                ? "service_completed_successfully" : "service_healthy", condition, module + " waits for " + dependency));
    }

    @Test
    @DisplayName("every database, gRPC server and gateway a service is configured to call is among its healthy dependencies")
    void everyCalledServiceIsAHealthyDependency() {
        assertAll(services.keySet().stream().<Executable>map(name -> () -> {
            Map<String, String> dependsOn = dependsOn(name);
            for (String callee : calledServices(name)) {
                assertTrue(services.containsKey(callee), name + " calls " + callee + ", which is not a service");
                assertEquals("service_healthy", dependsOn.get(callee), name + " calls " + callee + " but does not wait until it is healthy");
            }
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databaseBackedModules")
    @DisplayName("each database-backed module uses its own database on postgres")
    void eachModuleUsesItsOwnDatabase(Module module) {
        String url = environment(module.name()).getOrDefault("QUARKUS_DATASOURCE_JDBC_URL", "");
        Matcher jdbc = JDBC_URL.matcher(url);
        assertTrue(jdbc.matches(), module + " has no PostgreSQL JDBC URL: " + url);
        assertEquals("postgres", jdbc.group(1), module + " database host");
        assertEquals(module.database(), jdbc.group(3), module + " database name");
        assertTrue(environment(module.name()).containsKey("QUARKUS_DATASOURCE_USERNAME"), module + " has no database user");
        assertTrue(environment(module.name()).containsKey("QUARKUS_DATASOURCE_PASSWORD"), module + " has no database password");
    }

    @Test
    @DisplayName("the gateway and the agent are stateless: no database")
    void statelessModulesHaveNoDatabase() {
        MODULES.stream().filter(m -> m.database() == null).forEach(m ->
                assertFalse(environment(m.name()).containsKey("QUARKUS_DATASOURCE_JDBC_URL"), m + " must not have a database"));
    }

    @Test
    @DisplayName("the init script creates exactly the three service databases and postgres runs it")
    void initScriptCreatesExactlyTheServiceDatabases() throws IOException {
        Path script = REPO.resolve("deploy/postgres/init-databases.sql");
        String sql = Files.readString(script).replaceAll("--[^\\n]*", "");
        List<String> created = new ArrayList<>();
        CREATE_DATABASE.matcher(sql).results().forEach(r -> created.add(r.group(1)));
        List<String> expected = databaseBackedModules().map(Module::database).sorted().toList();
        assertEquals(expected, created.stream().sorted().toList(), "databases created by " + script);

        boolean mounted = volumes("postgres").stream().anyMatch(v -> v.getValue().startsWith("/docker-entrypoint-initdb.d")
                && (v.getKey().equals(script) || v.getKey().equals(script.getParent())));
        assertTrue(mounted, "postgres does not mount " + script + " into /docker-entrypoint-initdb.d: " + volumes("postgres"));
        assertTrue(String.join(" ", healthcheckTest("postgres")).contains("pg_isready"), "postgres health check uses pg_isready");
    }

    @Test
    @DisplayName("private-web is on no network the gateway is on")
    void privateWebIsNotOnAnyGatewayNetwork() {
        Set<String> shared = new TreeSet<>(networks("private-web"));
        shared.retainAll(networks("gateway"));
        assertEquals(Set.of(), shared, "networks shared by private-web and gateway");
    }

    @Test
    @DisplayName("private-web shares a network only with the agent and publishes no port")
    void privateWebIsReachableOnlyThroughTheAgent() {
        assertAll(services.keySet().stream()
                .filter(Predicate.not(Set.of("private-web", "agent")::contains))
                .<Executable>map(name -> () -> {
                    Set<String> shared = new TreeSet<>(networks("private-web"));
                    shared.retainAll(networks(name));
                    assertEquals(Set.of(), shared, name + " shares networks with private-web");
                }));
        assertEquals(List.of(), list(service("private-web").get("ports")), "private-web publishes ports");
    }

    @Test
    @DisplayName("the agent reaches the gateway and private-web, and nothing on the control plane's network")
    void agentBridgesInternetAndPrivateNetworkOnly() {
        assertTrue(sharesANetwork("agent", "gateway"), "the agent cannot reach the gateway");
        assertTrue(sharesANetwork("agent", "private-web"), "the agent cannot reach private-web");
        for (String cloud : List.of("postgres", "keycloak", "key-validator", "tunnel-registry", "connector-policy")) {
            assertFalse(sharesANetwork("agent", cloud), "the agent shares a network with " + cloud);
        }
    }

    @Test
    @DisplayName("no port is published beyond 127.0.0.1")
    void noPortIsPublishedBeyondLoopback() {
        List<String> exposedToTheWorld = new ArrayList<>();
        services.keySet().forEach(name -> {
            if ("host".equals(service(name).get("network_mode"))) {
                exposedToTheWorld.add(name + ": network_mode host");
            }
            publishedPorts(name).stream().filter(p -> !p.hostIp().equals("127.0.0.1"))
                    .forEach(p -> exposedToTheWorld.add(name + ": " + p.raw()));
        });
        assertEquals(List.of(), exposedToTheWorld, "ports published on all interfaces");
    }

    @Test
    @DisplayName("the gateway publishes its agent, data and proxy ports under the same numbers")
    void gatewayPublishesAgentDataAndProxyPorts() {
        Set<Integer> published = new HashSet<>();
        for (Published p : publishedPorts("gateway")) {
            assertEquals(p.hostPorts(), p.containerPorts(), "gateway maps " + p.raw() + " to another port number");
            published.addAll(p.containerPorts());
        }
        Set<Integer> needed = union(Set.of(8443, 8444), range(30000, 30099));
        assertTrue(published.containsAll(needed), "gateway publishes " + new TreeSet<>(published));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    @DisplayName("each Dockerfile exposes the module's ports and every port compose publishes")
    void eachDockerfileExposesItsPorts(Module module) throws IOException {
        Set<Integer> exposed = new HashSet<>();
        for (String instruction : finalStage(module)) {
            if (instruction.startsWith("EXPOSE ")) {
                for (String port : instruction.substring(7).trim().split("\\s+")) {
                    exposed.addAll(ports(port.replaceAll("/(tcp|udp)$", "")));
                }
            }
        }
        assertTrue(exposed.containsAll(module.exposed()), module + " Dockerfile exposes only " + new TreeSet<>(exposed));
        publishedPorts(module.name()).forEach(p ->
                assertTrue(exposed.containsAll(p.containerPorts()), module + " publishes " + p.raw() + " but its image does not expose it"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    @DisplayName("each Dockerfile builds its own module and runs it on a JRE as a non-root user")
    void eachDockerfileBuildsAndRunsItsModule(Module module) throws IOException {
        List<String> all = instructions(module);
        assertTrue(all.get(0).startsWith("FROM maven:3.9-eclipse-temurin-17 "), module + " build stage: " + all.get(0));
        assertTrue(all.stream().anyMatch(i -> i.startsWith("RUN ") && i.contains("./mvnw -B -pl " + module.name() + " -am package -DskipTests")),
                module + " Dockerfile does not build " + module);
        List<String> last = finalStage(module);
        assertTrue(last.get(0).matches("FROM eclipse-temurin:17-jre\\b.*"), module + " runtime image: " + last.get(0));
        List<String> users = last.stream().filter(i -> i.startsWith("USER ")).toList();
        assertFalse(users.isEmpty(), module + " runs as root");
        String user = users.get(users.size() - 1).substring(5).trim().split(":")[0];
        assertFalse(Set.of("root", "0").contains(user), module + " runs as " + user);
        String jar = module.name().equals("agent") ? "agent-runner.jar" : "quarkus-run.jar";
        assertTrue(last.stream().anyMatch(i -> i.startsWith("ENTRYPOINT ") && i.contains("\"-jar\"") && i.contains(jar)),
                module + " entrypoint is not java -jar " + jar);
        assertTrue(last.stream().anyMatch(i -> i.startsWith("HEALTHCHECK ") && i.contains("/q/health/ready")),
                module + " image has no readiness health check");
    }

    @Test
    @DisplayName("the agent gets the product's settings, its API key from the file the one-shot demo-setup writes")
    void agentReadsItsApiKeyFromTheFileDemoSetupWrites() {
        Map<String, String> env = environment("agent");
        assertFalse(env.containsKey("API_KEY"), "the key comes from a file, not a variable to copy by hand");
        assertEquals("/agent-key/api-key", env.get("API_KEY_FILE"), "API_KEY_FILE");
        assertEquals(new Mount("agent-key", true), pkiMounts("agent").get("/agent-key"));
        assertEquals("service_completed_successfully", dependsOn("agent").get("demo-setup"),
                "the agent starts once demo-setup has written its key");
        int port = Integer.parseInt(defaultValue(env.getOrDefault("REMOTE_PORT", "")));
        assertTrue(port >= 30000 && port <= 30099, "REMOTE_PORT=" + port + ": must be from 30000 to 30099");
        assertEquals("gateway:8443", env.get("REMOTE_SERVER"), "REMOTE_SERVER");
    }

    @Test
    @DisplayName("demo-setup makes the agent's key once, with the token key-validator writes to a file on first start")
    void demoSetupMakesTheAgentsKeyWithTheBootstrapToken() {
        assertEquals("/bootstrap/admin-token", environment("key-validator").get("SECURECONNECT_KEYS_BOOTSTRAP_TOKEN_FILE"),
                "key-validator writes the bootstrap token to a file instead of its log");
        assertEquals(new Mount("bootstrap", false), pkiMounts("key-validator").get("/bootstrap"));
        assertEquals(new Mount("bootstrap", true), pkiMounts("demo-setup").get("/bootstrap"));
        assertEquals(new Mount("agent-key", false), pkiMounts("demo-setup").get("/agent-key"));
        assertEquals("service_healthy", dependsOn("demo-setup").get("key-validator"));
        assertEquals("service_healthy", dependsOn("demo-setup").get("connector-policy"));
        assertEquals("no", String.valueOf(service("demo-setup").get("restart")), "a job runs once");
        List<String> entrypoint = list(service("demo-setup").get("entrypoint")).stream().map(String::valueOf).toList();
        assertEquals(List.of("sh", "/setup/demo-setup.sh"), entrypoint);
        assertTrue(volumes("demo-setup").contains(Map.entry(REPO.resolve("deploy/compose"), "/setup:ro"))
                || volumes("demo-setup").contains(Map.entry(REPO.resolve("deploy/compose"), "/setup")),
                "demo-setup mounts deploy/compose: " + volumes("demo-setup"));
        assertTrue(Files.isRegularFile(REPO.resolve("deploy/compose/demo-setup.sh")), "the script exists");
    }

    @Test
    @DisplayName("each container mounts only the secrets it needs from the pki volume")
    void eachContainerMountsOnlyTheSecretsItNeeds() {
        Map<String, Set<Mount>> expected = Map.of(
                "key-validator", Set.of(new Mount("for/key-validator", true), new Mount("bootstrap", false)),
                "tunnel-registry", Set.of(new Mount("for/tunnel-registry", true)),
                "connector-policy", Set.of(new Mount("for/connector-policy", true)),
                "gateway", Set.of(new Mount("for/gateway", true)),
                "demo-setup", Set.of(new Mount("bootstrap", true), new Mount("agent-key", false)),
                "agent", Set.of(new Mount("for/agent", true), new Mount("agent-key", true)));
        assertAll(services.keySet().stream().filter(name -> !name.equals("pki")).<Executable>map(name -> () ->
                assertEquals(expected.getOrDefault(name, Set.of()), Set.copyOf(pkiMounts(name).values()),
                        name + " mounts of the pki volume")));
    }

    @Test
    @DisplayName("no variable is required: every ${...} has a default, so `docker compose up` needs no set-up")
    void noVariableIsRequired() throws IOException {
        String text = Files.readString(REPO.resolve("docker-compose.yml"));
        Matcher interpolation = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)}").matcher(text);
        List<String> required = new ArrayList<>();
        while (interpolation.find()) {
            if (!interpolation.group(2).startsWith(":-") && !interpolation.group(2).startsWith("-")) {
                required.add(interpolation.group());
            }
        }
        assertEquals(List.of(), required, "variables without a default");
    }

    @Test
    @DisplayName("no password, secret, token or key is written into the file: each comes from the environment")
    void noSecretIsHardCoded() {
        List<String> hardCoded = new ArrayList<>();
        services.keySet().forEach(name -> environment(name).forEach((key, value) -> {
            // A path names a file mounted from a volume (the secret itself stays out of this file).
            boolean fileReference = value.startsWith("/");
            if (key.matches(".*(PASSWORD|SECRET|TOKEN|API_KEY|CREDENTIAL|PEPPER).*") && !fileReference
                    && !INTERPOLATION.matcher(value).matches()) {
                hardCoded.add(name + ": " + key);
            }
        }));
        assertEquals(List.of(), hardCoded, "secrets written into docker-compose.yml");
    }

    @Test
    @DisplayName("keycloak serves on 8180 and imports realms from deploy/keycloak")
    void keycloakImportsTheRealmDirectory() {
        List<String> command = list(service("keycloak").get("command")).stream().map(String::valueOf).toList();
        assertTrue(command.containsAll(List.of("start-dev", "--import-realm")), "keycloak command " + command);
        assertEquals("8180", command.get(command.indexOf("--http-port") + 1), "keycloak --http-port");
        assertTrue(volumes("keycloak").contains(Map.entry(REPO.resolve("deploy/keycloak"), "/opt/keycloak/data/import")),
                "keycloak does not mount deploy/keycloak: " + volumes("keycloak"));
    }

    // ---- reading the compose model ----

    static Map<String, Object> service(String name) {
        assertTrue(services.containsKey(name), "no service " + name);
        return map(services.get(name));
    }

    static Path dockerfileOf(String name) {
        Map<String, Object> build = service(name).get("build") instanceof String context
                ? Map.of("context", context) : map(service(name).get("build"));
        Path context = REPO.resolve(String.valueOf(build.getOrDefault("context", "."))).normalize();
        return context.resolve(String.valueOf(build.getOrDefault("dockerfile", "Dockerfile"))).normalize();
    }

    static List<String> healthcheckTest(String name) {
        Object test = map(service(name).get("healthcheck")).get("test");
        return test instanceof String s ? List.of("CMD-SHELL", s) : list(test).stream().map(String::valueOf).toList();
    }

    /** Short form (a list, meaning service_started) or long form; service name to condition. */
    static Map<String, String> dependsOn(String name) {
        Object dependsOn = service(name).get("depends_on");
        Map<String, String> conditions = new LinkedHashMap<>();
        if (dependsOn instanceof List<?> names) {
            names.forEach(n -> conditions.put(String.valueOf(n), "service_started"));
        } else {
            map(dependsOn).forEach((n, spec) -> conditions.put(n, String.valueOf(map(spec).getOrDefault("condition", "service_started"))));
        }
        return conditions;
    }

    static Map<String, String> environment(String name) {
        Object environment = service(name).get("environment");
        Map<String, String> env = new LinkedHashMap<>();
        if (environment instanceof List<?> entries) {
            entries.forEach(e -> {
                String[] kv = String.valueOf(e).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        } else {
            map(environment).forEach((k, v) -> env.put(k, v == null ? "" : String.valueOf(v)));
        }
        return env;
    }

    /** Hosts this service is configured to call: its database, its gRPC servers, the agent's gateway. */
    static Set<String> calledServices(String name) {
        Set<String> hosts = new TreeSet<>();
        environment(name).forEach((key, value) -> {
            Matcher jdbc = JDBC_URL.matcher(value);
            if (key.equals("QUARKUS_DATASOURCE_JDBC_URL") && jdbc.matches()) {
                hosts.add(jdbc.group(1));
            } else if (key.matches("QUARKUS_GRPC_CLIENTS_[A-Z0-9_]+_HOST") || key.equals("REMOTE_SERVER")) {
                hosts.add(value.split(":")[0]);
            }
        });
        return hosts;
    }

    static boolean sharesANetwork(String a, String b) {
        return networks(a).stream().anyMatch(networks(b)::contains);
    }

    static Set<String> networks(String name) {
        Object networks = service(name).get("networks");
        if (networks == null) {
            return Set.of("default");
        }
        return networks instanceof List<?> l ? l.stream().map(String::valueOf).collect(Collectors.toSet()) : map(networks).keySet();
    }

    /** Bind mounts as (absolute host path, container path); named volumes keep their name as a relative path. */
    static List<Map.Entry<Path, String>> volumes(String name) {
        List<Map.Entry<Path, String>> mounts = new ArrayList<>();
        for (Object volume : list(service(name).get("volumes"))) {
            String source;
            String target;
            if (volume instanceof Map<?, ?> longSyntax) {
                source = String.valueOf(longSyntax.get("source"));
                target = String.valueOf(longSyntax.get("target"));
            } else {
                String[] parts = String.valueOf(volume).split(":");
                source = parts[0];
                target = parts.length > 1 ? parts[1] : parts[0];
            }
            Path host = source.startsWith(".") || source.startsWith("/") ? REPO.resolve(source).normalize() : Path.of(source);
            mounts.add(Map.entry(host, target));
        }
        return mounts;
    }

    /** A mount of a folder of the pki volume (long syntax, volume.subpath). */
    record Mount(String subpath, boolean readOnly) {}

    /** The service's mounts of the pki volume, by container path. */
    static Map<String, Mount> pkiMounts(String name) {
        Map<String, Mount> mounts = new LinkedHashMap<>();
        for (Object volume : list(service(name).get("volumes"))) {
            Map<String, Object> mount = map(volume);
            if ("pki".equals(mount.get("source"))) {
                Object subpath = map(mount.get("volume")).get("subpath");
                mounts.put(String.valueOf(mount.get("target")), new Mount(subpath == null ? "" : String.valueOf(subpath),
                        Boolean.TRUE.equals(mount.get("read_only"))));
            }
        }
        return mounts;
    }

    record Published(String raw, String hostIp, Set<Integer> hostPorts, Set<Integer> containerPorts) {}

    /** Short syntax [[IP:]HOST:]CONTAINER[/PROTOCOL] (IPv6 as [::1]) or long syntax; no IP means all interfaces. */
    static List<Published> publishedPorts(String name) {
        List<Published> published = new ArrayList<>();
        for (Object entry : list(service(name).get("ports"))) {
            if (entry instanceof Map<?, ?> longSyntax) {
                String ip = longSyntax.get("host_ip") == null ? "0.0.0.0" : String.valueOf(longSyntax.get("host_ip"));
                Set<Integer> host = longSyntax.get("published") == null ? Set.of() : ports(String.valueOf(longSyntax.get("published")));
                published.add(new Published(longSyntax.toString(), ip, host, ports(String.valueOf(longSyntax.get("target")))));
                continue;
            }
            String raw = String.valueOf(entry);
            String rest = raw.replaceAll("/(tcp|udp|sctp)$", "");
            String ip = "0.0.0.0";
            if (rest.startsWith("[")) {
                ip = rest.substring(1, rest.indexOf(']'));
                rest = rest.substring(rest.indexOf(']') + 2);
            } else if (rest.split(":").length == 3) {
                ip = rest.substring(0, rest.indexOf(':'));
                rest = rest.substring(rest.indexOf(':') + 1);
            }
            String[] hostAndContainer = rest.split(":");
            Set<Integer> host = hostAndContainer.length == 2 ? ports(hostAndContainer[0]) : Set.of();
            published.add(new Published(raw, ip, host, ports(hostAndContainer[hostAndContainer.length - 1])));
        }
        return published;
    }

    // ---- reading a Dockerfile ----

    /** Instructions with continuation lines joined and comments dropped, keyword upper-cased. */
    static List<String> instructions(Module module) throws IOException {
        Path dockerfile = REPO.resolve(module.name() + "/src/main/docker/Dockerfile");
        assertTrue(Files.isRegularFile(dockerfile), "missing " + dockerfile);
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                String instruction = current.toString().trim().replaceAll("\\s+", " ");
                int space = instruction.indexOf(' ');
                instructions.add(instruction.substring(0, space).toUpperCase() + instruction.substring(space));
                current.setLength(0);
            }
        }
        return instructions;
    }

    static List<String> finalStage(Module module) throws IOException {
        List<String> all = instructions(module);
        int lastFrom = IntStream.range(0, all.size()).filter(i -> all.get(i).startsWith("FROM ")).max().orElse(0);
        return all.subList(lastFrom, all.size());
    }

    // ---- small helpers ----

    /** "8081" or "30000-30099", possibly an interpolation with a default. */
    static Set<Integer> ports(String spec) {
        String[] bounds = defaultValue(spec).split("-");
        int low = Integer.parseInt(bounds[0].trim());
        return range(low, bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : low);
    }

    /** The default of ${NAME:-default} or ${NAME-default}; anything else unchanged. */
    static String defaultValue(String value) {
        Matcher m = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)}").matcher(value);
        return m.matches() ? m.group(1) : value;
    }

    static Set<Integer> range(int low, int high) {
        return IntStream.rangeClosed(low, high).boxed().collect(Collectors.toSet());
    }

    static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object yaml) {
        return yaml instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    static List<?> list(Object yaml) {
        return yaml instanceof List<?> l ? l : List.of();
    }
}
