package io.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.secureconnect.e2e.kubernetes.Kustomize;
import io.secureconnect.e2e.kubernetes.Manifests;
import io.secureconnect.e2e.kubernetes.ModuleSettings;
import io.secureconnect.e2e.kubernetes.NetworkPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an operator of {@code kubectl apply -k deploy/kubernetes/overlays/production} (and a customer applying
 * deploy/kubernetes/agent) relies on, checked by rendering the kustomizations here ({@link Kustomize}) into the
 * Kubernetes API model (this machine has no cluster) and holding them against the repository: the ports and users of
 * the Dockerfiles, the settings each module reads, the security model's who-calls-whom.
 */
@DisplayName("deploy/kubernetes")
class KubernetesManifestsTest {

    static final Path REPO = Path.of("").toAbsolutePath().getParent(); // tests run in e2e/
    static final Path ROOT = REPO.resolve("deploy/kubernetes");
    static final Map<String, Path> LAYERS = Map.of(
            "base", ROOT.resolve("base"),
            "production", ROOT.resolve("overlays/production"),
            "agent", ROOT.resolve("agent"));
    static final List<String> CLOUD = List.of("base", "production");

    /** A Deployment of the repository's modules: its HTTP port, whether it runs replicas, the Secrets it alone may use. */
    record Workload(String deployment, String module, int httpPort, boolean replicated, Set<String> secrets) {
        @Override
        public String toString() {
            return deployment;
        }
    }

    static final List<Workload> CONTROL_PLANE = List.of(
            new Workload("key-validator", "key-validator", 8081, true,
                    Set.of("key-validator-identity", "key-validator-database", "key-validator-pepper")),
            new Workload("tunnel-registry", "tunnel-registry", 8082, true,
                    Set.of("tunnel-registry-identity", "tunnel-registry-database", "tunnel-registry-frp")),
            new Workload("connector-policy", "connector-policy", 8083, true,
                    Set.of("connector-policy-identity", "connector-policy-database", "connector-policy-credential-signing")));
    static final Workload GATEWAY_A = new Workload("gateway-a", "gateway", 8084, false,
            Set.of("gateway-a-identity", "gateway-a-agent-tls", "gateway-credential-verify"));
    static final Workload AGENT = new Workload("agent", "agent", 8085, true, Set.of("agent-api-key", "agent-gateway-ca"));

    /** gRPC and management ports of the control plane. */
    static final Map<String, Integer> GRPC = Map.of("key-validator", 9081, "tunnel-registry", 9082, "connector-policy", 9083);
    static final Map<String, Integer> MANAGEMENT = Map.of("key-validator", 9181, "tunnel-registry", 9182, "connector-policy", 9183);

    static final String REST_ACCESS = "namespaces{secureconnect.io/rest-access=true}";
    static final String MONITORING = "namespaces{secureconnect.io/monitoring=true}";
    static final String RUNNERS = "namespaces{secureconnect.io/runner=true}";
    static final String ANYONE = NetworkPaths.ANYONE;

    /** File settings the process writes (key-validator's bootstrap token, mode 0600); every other file is only read. */
    static final Set<String> WRITTEN = Set.of("SECURECONNECT_KEYS_BOOTSTRAP_TOKEN_FILE");

    static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    static Manifests layer(String name) {
        return RENDERED.computeIfAbsent(name, n -> Manifests.render(n, LAYERS.get(n)));
    }

    static Stream<Arguments> workloads() {
        Stream<Arguments> cloud = CLOUD.stream().flatMap(layer -> Stream.concat(CONTROL_PLANE.stream(), Stream.of(GATEWAY_A))
                .map(w -> Arguments.of(layer, w)));
        return Stream.concat(cloud, Stream.of(Arguments.of("agent", AGENT)));
    }

    static Stream<String> cloudLayers() {
        return CLOUD.stream();
    }

    // ---- rendering ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "production", "agent"})
    @DisplayName("each kustomization renders into known kinds with no field the Kubernetes API lacks")
    void rendersIntoTheKubernetesModel(String name) {
        Manifests manifests = layer(name);
        assertFalse(manifests.objects().isEmpty(), name + " renders nothing");
        Set<String> seen = new TreeSet<>();
        manifests.objects().forEach(o -> assertTrue(seen.add(o.getKind() + "/" + o.getMetadata().getName()),
                name + " defines " + o.getKind() + "/" + o.getMetadata().getName() + " twice"));
    }

    @Test
    @DisplayName("the repository holds no Secret object: every secret is created by the operator and referenced by name")
    void noSecretIsCommitted() throws IOException {
        List<String> secrets = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).toList()) {
                Kustomize.readAll(file).stream()
                        .filter(d -> d.path("kind").asText().equals("Secret") || d.has("secretGenerator") || d.has("stringData"))
                        .forEach(d -> secrets.add(ROOT.relativize(file) + ": " + d.path("metadata").path("name").asText()));
            }
        }
        assertEquals(List.of(), secrets, "Secrets (or generators of them) in deploy/kubernetes");
    }

    @Test
    @DisplayName("the production overlay runs released images from a registry and three replicas of each service")
    void productionUsesReleasedImagesAndThreeReplicas() {
        for (Deployment deployment : layer("production").all(Deployment.class)) {
            for (Container container : podSpec(deployment).getContainers()) {
                assertFalse(container.getImage().endsWith(":latest"), deployment.getMetadata().getName() + " runs " + container.getImage());
                assertTrue(container.getImage().contains("/secureconnect/"), container.getImage());
            }
        }
        CONTROL_PLANE.forEach(w -> assertEquals(3, layer("production").named(Deployment.class, w.deployment()).getSpec().getReplicas(), w + " replicas"));
    }

    @Test
    @DisplayName("the checks themselves: a misspelt field, an unsupported kustomize field and an invented setting are caught")
    void theChecksCatchMistakes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [deployment.yaml]\n");
        Files.writeString(dir.resolve("deployment.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers:
                        - name: x
                          securityContext: {readOnlyRootFileSystem: true}
                """);
        IllegalArgumentException misspelt = assertThrows(IllegalArgumentException.class, () -> Manifests.render("t", dir));
        assertTrue(misspelt.getMessage().contains("readOnlyRootFileSystem"), misspelt.getMessage());

        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [deployment.yaml]\ncommonLabels: {a: b}\n");
        assertThrows(IllegalArgumentException.class, () -> Manifests.render("t", dir));

        Set<String> gateway = ModuleSettings.environmentNames(REPO, "gateway");
        assertTrue(gateway.containsAll(Set.of("SECURECONNECT_GATEWAY_TLS_KEY", "SECURECONNECT_GATEWAY_CREDENTIAL_VERIFY_KEY",
                "SECURECONNECT_GATEWAY_PROXY_MAX_CONNECTIONS_PER_BUILD", "SECURECONNECT_IDENTITY_DIR",
                "SECURECONNECT_SERVICE_TOKEN_CLIENT_SECRET")), "gateway settings " + gateway);
        assertFalse(gateway.contains("SECURECONNECT_GATEWAY_TLS_KEY_FILE"), "an invented name is not a setting");
        assertFalse(gateway.contains("SECURECONNECT_KEYS_PEPPER"), "another module's setting is not the gateway's");
    }

    // ---- each workload ----

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    @DisplayName("each container runs as the Dockerfile's non-root user, read-only, unprivileged, with no capability")
    void everyContainerIsHardened(String layerName, Workload workload) throws IOException {
        PodSpec pod = podSpec(layer(layerName).named(Deployment.class, workload.deployment()));
        PodSecurityContext podContext = Objects.requireNonNull(pod.getSecurityContext(), workload + " pod securityContext");
        long uid = dockerfileUid(workload.module());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), workload + " mounts an API token it never uses");
        assertEquals("RuntimeDefault", podContext.getSeccompProfile().getType(), workload + " pod seccomp");
        for (Container container : pod.getContainers()) {
            SecurityContext context = Objects.requireNonNull(container.getSecurityContext(), container.getName() + " securityContext");
            assertAll(container.getName(),
                    () -> assertEquals(Boolean.TRUE, context.getRunAsNonRoot(), "runAsNonRoot"),
                    () -> assertEquals(uid, context.getRunAsUser(), "runAsUser is the Dockerfile's USER"),
                    () -> assertEquals(Boolean.TRUE, context.getReadOnlyRootFilesystem(), "readOnlyRootFilesystem"),
                    () -> assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation(), "allowPrivilegeEscalation"),
                    () -> assertEquals(List.of("ALL"), context.getCapabilities().getDrop(), "capabilities drop"),
                    () -> assertTrue(context.getCapabilities().getAdd() == null || context.getCapabilities().getAdd().isEmpty(), "capabilities add"),
                    () -> assertEquals("RuntimeDefault", context.getSeccompProfile().getType(), "seccompProfile"),
                    () -> assertFalse(Boolean.TRUE.equals(context.getPrivileged()), "privileged"),
                    () -> assertEquals("emptyDir", volumeKind(pod, mountAt(container, "/tmp").getName()), "/tmp is an emptyDir"));
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    @DisplayName("each container listens on its module's port and is probed there: /q/health/ready and /q/health/live")
    void everyContainerIsProbedOnItsPort(String layerName, Workload workload) {
        Container container = mainContainer(layer(layerName), workload);
        assertEquals(String.valueOf(workload.httpPort()), env(container).get("QUARKUS_HTTP_PORT"), workload + " QUARKUS_HTTP_PORT");
        assertAll(
                () -> assertEquals("/q/health/ready", probePath(container.getReadinessProbe(), workload), "readiness"),
                () -> assertEquals("/q/health/live", probePath(container.getLivenessProbe(), workload), "liveness"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    @DisplayName("each container requests CPU and memory and is limited to no less than it requests")
    void everyContainerHasRequestsAndLimits(String layerName, Workload workload) {
        for (Container container : podSpec(layer(layerName).named(Deployment.class, workload.deployment())).getContainers()) {
            Map<String, Quantity> requests = container.getResources().getRequests();
            Map<String, Quantity> limits = container.getResources().getLimits();
            for (String resource : List.of("cpu", "memory")) {
                assertNotNull(requests.get(resource), container.getName() + " requests no " + resource);
                assertNotNull(limits.get(resource), container.getName() + " has no " + resource + " limit");
                assertTrue(limits.get(resource).getNumericalAmount().compareTo(requests.get(resource).getNumericalAmount()) >= 0,
                        container.getName() + " " + resource + " limit below its request");
            }
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    @DisplayName("replicated workloads run at least two pods under a PodDisruptionBudget; a gateway id runs exactly one pod")
    void replicasAndDisruptionBudgets(String layerName, Workload workload) {
        Manifests manifests = layer(layerName);
        Deployment deployment = manifests.named(Deployment.class, workload.deployment());
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(Manifests.selects(deployment.getSpec().getSelector(), labels), workload + " selector does not select its pods");
        List<PodDisruptionBudget> budgets = manifests.all(PodDisruptionBudget.class).stream()
                .filter(b -> Manifests.selects(b.getSpec().getSelector(), labels)).toList();
        if (workload.replicated()) {
            assertTrue(deployment.getSpec().getReplicas() >= 2, workload + " replicas " + deployment.getSpec().getReplicas());
            assertEquals(1, budgets.size(), workload + " PodDisruptionBudgets");
            assertEquals(1, budgets.get(0).getSpec().getMaxUnavailable().getIntVal(), workload + " maxUnavailable");
        } else {
            assertEquals(1, deployment.getSpec().getReplicas(), "one pod per gateway id");
            assertEquals("Recreate", deployment.getSpec().getStrategy().getType(), "the old gateway pod is gone before the new one starts");
            assertEquals(List.of(), budgets, "a one-pod gateway under a budget would block every node drain");
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    @DisplayName("every environment variable is a setting the module reads (its properties, config mappings or agent flags)")
    void everyVariableIsASettingTheModuleReads(String layerName, Workload workload) {
        Set<String> known = ModuleSettings.environmentNames(REPO, workload.module());
        List<String> unknown = mainContainer(layer(layerName), workload).getEnv().stream().map(EnvVar::getName)
                .filter(name -> !known.contains(name)).toList();
        assertEquals(List.of(), unknown, workload + " sets variables " + workload.module() + " never reads");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("workloads")
    @DisplayName("every file a variable names lies in a read-only mount; the identity directory is the pod's own identity Secret")
    void everyFileSettingPointsIntoAMount(String layerName, Workload workload) {
        PodSpec pod = podSpec(layer(layerName).named(Deployment.class, workload.deployment()));
        Container container = mainContainer(layer(layerName), workload);
        env(container).forEach((name, value) -> {
            if (value == null || !value.startsWith("/")) {
                return;
            }
            VolumeMount mount = mountAt(container, value);
            if (WRITTEN.contains(name)) {
                assertEquals("emptyDir", volumeKind(pod, mount.getName()), name + "=" + value + " is written to a pod-local volume");
                assertFalse(Boolean.TRUE.equals(mount.getReadOnly()), name + "=" + value + " lies in a read-only mount");
            } else {
                assertEquals(Boolean.TRUE, mount.getReadOnly(), name + "=" + value + " lies in a writable mount");
            }
        });
        String identity = env(container).get("SECURECONNECT_IDENTITY_DIR");
        if (workload.module().equals("agent")) {
            assertEquals(null, identity, "the agent holds no identity of the cloud");
            return;
        }
        Volume volume = volume(pod, mountAt(container, identity + "/tls.crt").getName());
        assertEquals(workload.deployment() + "-identity", volume.getSecret().getSecretName(), "SECURECONNECT_IDENTITY_DIR=" + identity);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "production", "agent"})
    @DisplayName("each pod references exactly its own Secrets, and no other pod references them")
    void eachSecretIsUsedOnlyByItsPod(String layerName) {
        Map<String, Set<String>> expected = new TreeMap<>();
        Stream.concat(CONTROL_PLANE.stream(), Stream.of(GATEWAY_A, AGENT))
                .forEach(w -> expected.put(w.deployment(), new TreeSet<>(w.secrets())));
        Map<String, Set<String>> actual = new TreeMap<>();
        for (Deployment deployment : layer(layerName).all(Deployment.class)) {
            actual.put(deployment.getMetadata().getName(), secretsOf(podSpec(deployment)));
        }
        actual.forEach((deployment, secrets) -> assertEquals(expected.get(deployment), secrets, deployment + " Secrets"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cloudLayers")
    @DisplayName("a service pod leaves its Service before SIGTERM for as long as gRPC clients take to move")
    void servicesDrainBeforeTheyStop(String layerName) {
        int connectionAgeAndGrace = 30 + 10; // secureconnect.grpc.max-connection-age(-grace) defaults
        for (String name : List.of("key-validator", "tunnel-registry", "connector-policy")) {
            var pod = layer(layerName).named(Deployment.class, name).getSpec().getTemplate().getSpec();
            var preStop = pod.getContainers().get(0).getLifecycle().getPreStop();
            long sleep = preStop.getSleep().getSeconds();
            assertTrue(sleep >= connectionAgeAndGrace, name + " preStop sleep " + sleep);
            assertTrue(pod.getTerminationGracePeriodSeconds() >= sleep + 15,
                    name + " terminationGracePeriodSeconds leaves no time to stop after the preStop sleep");
        }
    }

    @Test
    @DisplayName("production services take OIDC tokens of the realm in secureconnect-oidc and may reach it on 443 only")
    void productionServicesTrustOneOidcRealm() {
        Manifests production = layer("production");
        String realm = production.named(io.fabric8.kubernetes.api.model.ConfigMap.class, "secureconnect-oidc")
                .getData().get("auth-server-url");
        assertTrue(realm.startsWith("https://"), "the realm is fetched over TLS: " + realm);
        for (Workload workload : CONTROL_PLANE) {
            Container container = mainContainer(production, workload);
            assertEquals("true", env(container).get("QUARKUS_OIDC_TENANT_ENABLED"), workload + " OIDC");
            EnvVar url = container.getEnv().stream().filter(v -> v.getName().equals("QUARKUS_OIDC_AUTH_SERVER_URL"))
                    .findFirst().orElseThrow(() -> new AssertionError(workload + " has no OIDC realm"));
            assertEquals("secureconnect-oidc", url.getValueFrom().getConfigMapKeyRef().getName(), workload + " realm");
            Map<String, String> labels = labels(production.named(Deployment.class, workload.deployment()));
            assertEquals(Set.of("ip{10.20.40.0/24}"), NetworkPaths.egressPeers(production, labels, 443, "TCP"),
                    workload + " may reach the identity provider's subnet, and only it, on 443");
        }
        // The base (API keys only) opens no 443 egress: OIDC is the production overlay's choice.
        Manifests base = layer("base");
        for (Workload workload : CONTROL_PLANE) {
            assertEquals(Set.of(), NetworkPaths.egressPeers(base, labels(base.named(Deployment.class,
                    workload.deployment())), 443, "TCP"), workload + " in base");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cloudLayers")
    @DisplayName("a gateway hands its tunnels over within its grace period")
    void gatewayHandsOverWithinItsGracePeriod(String layerName) {
        int handOver = 10; // secureconnect.gateway.hand-over-timeout default
        var pod = podSpec(layer(layerName).named(Deployment.class, GATEWAY_A.deployment()));
        assertTrue(pod.getTerminationGracePeriodSeconds() >= handOver + 15,
                "gateway-a terminationGracePeriodSeconds leaves no time for the hand-over");
        assertEquals(null, env(pod.getContainers().get(0)).get("SECURECONNECT_GATEWAY_HAND_OVER_TIMEOUT"),
                "the grace period is checked against the default hand-over timeout");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cloudLayers")
    @DisplayName("each gRPC client names a Service that selects the server's pods on its gRPC port")
    void grpcClientsResolveToTheirServers(String layerName) {
        Manifests manifests = layer(layerName);
        for (Deployment deployment : manifests.all(Deployment.class)) {
            Map<String, String> env = env(podSpec(deployment).getContainers().get(0));
            env.forEach((name, host) -> {
                if (!name.matches("QUARKUS_GRPC_CLIENTS_[A-Z0-9]+_HOST")) {
                    return;
                }
                int port = Integer.parseInt(env.get(name.replaceFirst("_HOST$", "_PORT")));
                Service service = manifests.named(Service.class, host);
                assertTrue(service.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port && "grpc".equals(p.getName())),
                        host + " has no grpc port " + port);
                Deployment server = manifests.named(Deployment.class, host);
                assertTrue(Manifests.selects(new io.fabric8.kubernetes.api.model.LabelSelector(null, service.getSpec().getSelector()),
                        server.getSpec().getTemplate().getMetadata().getLabels()), "Service " + host + " does not select " + host);
                assertEquals(port, GRPC.get(host), deployment.getMetadata().getName() + " dials " + host + ":" + port);
            });
        }
    }

    @Test
    @DisplayName("the agent dials production gateway-a's public host on its agent port, for a port of 30000-30099")
    void agentDialsTheProductionGateway() {
        Map<String, String> agent = env(mainContainer(layer("agent"), AGENT));
        Map<String, String> gateway = env(mainContainer(layer("production"), GATEWAY_A));
        assertEquals(gateway.get("SECURECONNECT_GATEWAY_PUBLIC_HOST") + ":8443", agent.get("REMOTE_SERVER"), "REMOTE_SERVER");
        assertTrue(layer("production").named(Service.class, "gateway-a").getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 8443));
        int port = Integer.parseInt(agent.get("REMOTE_PORT"));
        assertTrue(port >= 30000 && port <= 30099, "REMOTE_PORT=" + port + ": must be from 30000 to 30099");
        assertFalse(agent.containsKey("API_KEY"), "the key comes from the file API_KEY_FILE names, not the pod spec");
    }

    // ---- Services ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("cloudLayers")
    @DisplayName("each service has a ClusterIP Service with its REST, gRPC and management ports")
    void eachServiceHasAClusterIpService(String layerName) {
        for (Workload workload : CONTROL_PLANE) {
            Service service = layer(layerName).named(Service.class, workload.deployment());
            assertEquals("ClusterIP", service.getSpec().getType(), workload + " Service type");
            Set<Integer> ports = service.getSpec().getPorts().stream().map(ServicePort::getPort).collect(Collectors.toSet());
            assertEquals(Set.of(workload.httpPort(), GRPC.get(workload.deployment()), MANAGEMENT.get(workload.deployment())), ports, workload + " ports");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cloudLayers")
    @DisplayName("gateway-a has its own LoadBalancer for 8443, 8444 and 30000-30099, keeping the client's address")
    void gatewayHasItsOwnLoadBalancer(String layerName) {
        Manifests manifests = layer(layerName);
        Service service = manifests.named(Service.class, "gateway-a");
        assertEquals("LoadBalancer", service.getSpec().getType());
        assertEquals("Local", service.getSpec().getExternalTrafficPolicy(), "per-source limits need the client's address");
        Set<Integer> expected = new TreeSet<>(Set.of(8443, 8444));
        IntStream.rangeClosed(30000, 30099).forEach(expected::add);
        Set<Integer> ports = new TreeSet<>();
        for (ServicePort port : service.getSpec().getPorts()) {
            assertEquals(port.getPort(), port.getTargetPort().getIntVal(), port.getName() + " maps to another port");
            ports.add(port.getPort());
        }
        assertEquals(expected, ports, "gateway-a Service ports");
        assertTrue(Manifests.selects(new io.fabric8.kubernetes.api.model.LabelSelector(null, service.getSpec().getSelector()),
                manifests.named(Deployment.class, "gateway-a").getSpec().getTemplate().getMetadata().getLabels()), "selects gateway-a");
        manifests.all(Deployment.class).stream().filter(d -> !d.getMetadata().getName().equals("gateway-a")).forEach(d ->
                assertFalse(Manifests.selects(new io.fabric8.kubernetes.api.model.LabelSelector(null, service.getSpec().getSelector()),
                        d.getSpec().getTemplate().getMetadata().getLabels()), "gateway-a's Service also selects " + d.getMetadata().getName()));
    }

    @Test
    @DisplayName("gateway-a's Service is exactly what gateway-service.sh generates")
    void gatewayServiceIsGenerated() throws Exception {
        Process process = new ProcessBuilder("bash", ROOT.resolve("gateway-service.sh").toString(), "gateway-a")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String generated = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "gateway-service.sh exit status");
        assertEquals(generated, Files.readString(ROOT.resolve("base/gateway-a-service.yaml")),
                "base/gateway-a-service.yaml differs from `gateway-service.sh gateway-a`");
    }

    // ---- NetworkPolicies ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base", "production", "agent"})
    @DisplayName("every pod starts from a default deny of ingress and egress, and may resolve names")
    void defaultDenyAndDns(String layerName) {
        Manifests manifests = layer(layerName);
        assertTrue(manifests.all(NetworkPolicy.class).stream().anyMatch(p -> p.getSpec().getPodSelector() != null
                        && Objects.requireNonNullElse(p.getSpec().getPodSelector().getMatchLabels(), Map.of()).isEmpty()
                        && isEmpty(p.getSpec().getPodSelector().getMatchExpressions())
                        && p.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                        && isEmpty(p.getSpec().getIngress()) && isEmpty(p.getSpec().getEgress())),
                layerName + " has no default-deny policy");
        for (Deployment deployment : manifests.all(Deployment.class)) {
            Map<String, String> labels = labels(deployment);
            assertTrue(NetworkPaths.egressPeers(manifests, labels, 53, "UDP").stream().anyMatch(p -> p.contains("k8s-app=kube-dns")),
                    deployment.getMetadata().getName() + " cannot resolve names");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cloudLayers")
    @DisplayName("each port admits exactly the callers of the security model")
    void eachPortAdmitsExactlyItsCallers(String layerName) {
        Manifests manifests = layer(layerName);
        Map<String, Map<Integer, Set<String>>> expected = new TreeMap<>();
        expected.put("key-validator", Map.of(9081, Set.of("pods{tunnel-registry}", "pods{connector-policy}", "pods{gateway}"),
                8081, Set.of(REST_ACCESS), 9181, Set.of(MONITORING)));
        expected.put("tunnel-registry", Map.of(9082, Set.of("pods{connector-policy}", "pods{gateway}"),
                8082, Set.of(REST_ACCESS), 9182, Set.of(MONITORING)));
        expected.put("connector-policy", Map.of(9083, Set.of(RUNNERS), 8083, Set.of(REST_ACCESS), 9183, Set.of(MONITORING)));
        expected.put("gateway-a", Map.of(8443, Set.of(ANYONE), 8444, Set.of(ANYONE), 30000, Set.of(ANYONE), 30099, Set.of(ANYONE),
                8084, Set.of(MONITORING)));
        List<Executable> checks = new ArrayList<>();
        expected.forEach((deployment, ports) -> {
            Map<String, String> labels = labels(manifests.named(Deployment.class, deployment));
            ports.forEach((port, callers) -> checks.add(() ->
                    assertEquals(new TreeSet<>(callers), NetworkPaths.ingressPeers(manifests, labels, port), deployment + ":" + port + " admits")));
            // Any other port: nobody.
            for (int other : List.of(5005, 8080, 9000, 29999, 30100)) {
                checks.add(() -> assertEquals(Set.of(), NetworkPaths.ingressPeers(manifests, labels, other), deployment + ":" + other + " admits"));
            }
        });
        assertAll(checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cloudLayers")
    @DisplayName("callers may open their gRPC servers' ports; only the database-backed services may reach PostgreSQL")
    void callersReachTheirServers(String layerName) {
        Manifests manifests = layer(layerName);
        Map<String, Map<String, Integer>> calls = Map.of(
                "tunnel-registry", Map.of("key-validator", 9081),
                "connector-policy", Map.of("key-validator", 9081, "tunnel-registry", 9082),
                "gateway-a", Map.of("key-validator", 9081, "tunnel-registry", 9082));
        calls.forEach((caller, servers) -> servers.forEach((server, port) -> {
            String peer = "pods{" + server + "}";
            assertTrue(NetworkPaths.egressPeers(manifests, labels(manifests.named(Deployment.class, caller)), port, "TCP").contains(peer),
                    caller + " may not open " + server + ":" + port);
        }));
        for (Deployment deployment : manifests.all(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            boolean database = GRPC.containsKey(name);
            Set<String> peers = NetworkPaths.egressPeers(manifests, labels(deployment), 5432, "TCP");
            assertEquals(database, peers.stream().anyMatch(p -> p.startsWith("ip{")), name + " PostgreSQL egress " + peers);
            assertFalse(peers.contains(ANYONE), name + " may open 5432 anywhere");
        }
    }

    @Test
    @DisplayName("the agent admits nothing and dials only DNS, the gateway's agent and data ports and its private network")
    void agentIsOutboundOnly() {
        Manifests manifests = layer("agent");
        Map<String, String> labels = labels(manifests.named(Deployment.class, "agent"));
        for (int port : List.of(8085, 8443, 30001)) {
            assertEquals(Set.of(), NetworkPaths.ingressPeers(manifests, labels, port), "agent admits on " + port);
        }
        for (int port : List.of(8443, 8444)) {
            assertTrue(NetworkPaths.egressPeers(manifests, labels, port, "TCP").stream().anyMatch(p -> p.startsWith("ip{")), "agent cannot dial " + port);
        }
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            for (var rule : Objects.requireNonNullElse(policy.getSpec().getEgress(), List.<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule>of())) {
                assertFalse(isEmpty(rule.getPorts()), policy.getMetadata().getName() + " opens every port");
                assertFalse(isEmpty(rule.getTo()), policy.getMetadata().getName() + " opens every destination");
            }
        }
    }

    // ---- reading the model ----

    static PodSpec podSpec(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec();
    }

    static Map<String, String> labels(Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata().getLabels();
    }

    static Container mainContainer(Manifests manifests, Workload workload) {
        List<Container> containers = podSpec(manifests.named(Deployment.class, workload.deployment())).getContainers();
        assertEquals(1, containers.size(), workload + " containers");
        return containers.get(0);
    }

    /** Literal values; a variable from a ConfigMap or Secret maps to null. */
    static Map<String, String> env(Container container) {
        Map<String, String> env = new TreeMap<>();
        Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of()).forEach(v -> env.put(v.getName(), v.getValue()));
        return env;
    }

    /** The mount holding {@code path} (the longest mount path that is a prefix of it). */
    static VolumeMount mountAt(Container container, String path) {
        return container.getVolumeMounts().stream()
                .filter(m -> path.equals(m.getMountPath()) || path.startsWith(m.getMountPath() + "/"))
                .max((a, b) -> a.getMountPath().length() - b.getMountPath().length())
                .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at " + path));
    }

    static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    static String volumeKind(PodSpec pod, String name) {
        Volume volume = volume(pod, name);
        return volume.getEmptyDir() != null ? "emptyDir" : volume.getSecret() != null ? "secret"
                : volume.getConfigMap() != null ? "configMap" : "other";
    }

    static String probePath(Probe probe, Workload workload) {
        assertNotNull(probe, workload + " lacks a probe");
        if (probe.getHttpGet() != null) {
            assertEquals(workload.httpPort(), probe.getHttpGet().getPort().getIntVal(), workload + " probes another port");
            return probe.getHttpGet().getPath();
        }
        // The agent serves health on 127.0.0.1 only: asked from inside the container.
        String command = String.join(" ", probe.getExec().getCommand());
        String prefix = "http://127.0.0.1:" + workload.httpPort();
        assertTrue(command.contains(prefix), workload + " probe `" + command + "` does not ask " + prefix);
        return command.substring(command.indexOf(prefix) + prefix.length()).split("\\s")[0];
    }

    /** Every Secret a pod spec names: secret volumes, projected secrets, env and envFrom. */
    static Set<String> secretsOf(PodSpec pod) {
        Set<String> secrets = new TreeSet<>();
        for (Volume volume : Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of())) {
            if (volume.getSecret() != null) {
                secrets.add(volume.getSecret().getSecretName());
            }
            if (volume.getProjected() != null) {
                volume.getProjected().getSources().stream().filter(s -> s.getSecret() != null).forEach(s -> secrets.add(s.getSecret().getName()));
            }
        }
        for (Container container : pod.getContainers()) {
            Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of()).stream()
                    .filter(v -> v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null)
                    .forEach(v -> secrets.add(v.getValueFrom().getSecretKeyRef().getName()));
            Objects.requireNonNullElse(container.getEnvFrom(), List.<io.fabric8.kubernetes.api.model.EnvFromSource>of()).stream()
                    .filter(e -> e.getSecretRef() != null).forEach(e -> secrets.add(e.getSecretRef().getName()));
        }
        return secrets;
    }

    static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }

    /** The uid of the last USER of the module's Dockerfile. */
    static long dockerfileUid(String module) throws IOException {
        List<String> users = Files.readAllLines(REPO.resolve(module + "/src/main/docker/Dockerfile")).stream()
                .filter(l -> l.startsWith("USER ")).toList();
        assertFalse(users.isEmpty(), module + " Dockerfile has no USER");
        return Long.parseLong(users.get(users.size() - 1).substring(5).trim().split(":")[0]);
    }
}
