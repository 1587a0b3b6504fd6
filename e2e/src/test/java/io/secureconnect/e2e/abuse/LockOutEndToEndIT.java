package io.secureconnect.e2e.abuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.secureconnect.e2e.fixture.AgentProbe;
import io.secureconnect.e2e.fixture.CloudSide;
import io.secureconnect.e2e.fixture.Flood;
import io.secureconnect.e2e.fixture.Rest;
import io.secureconnect.e2e.fixture.Tenants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * "No stranger can lock agents out", as an outsider tries it against the real processes: 100 made-up API keys from
 * one source, at once, on each door that checks keys (the gateway's agent port, tunnel-registry's REST, frp logins
 * through the server-plugin endpoint); then a tenant's valid key from another source is accepted at once on every
 * door. Two tenants made the way a platform operator makes them ({@code POST /api/v1/accounts}) stay apart. Sources
 * are loopback addresses (127.0.0.0/8 is all this host's), frp clients the address frps reports for them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LockOutEndToEndIT {

    private static final int GUESSES = 100;
    private static final String ATTACKER = "127.0.0.7";
    private static final String FRP_RELAY = "127.0.0.8";
    private static final String ATTACKER_FRPC = "198.51.100.7:40000";
    private static final String TENANT_FRPC = "198.51.100.99:40000";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Random random = new Random();
    private final int tunnelPort = 30000 + random.nextInt(99);
    private final String acme = "acme_" + Integer.toHexString(random.nextInt(0x10000));
    private final String globex = "globex_" + Integer.toHexString(random.nextInt(0x10000));
    private CloudSide cloud;
    private Flood flood;
    private String acmeAdmin;
    private String globexAdmin;
    private String acmeAgentKey;

    @BeforeAll
    void startTheCloud() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "e2e-lockout-" + Integer.toHexString(random.nextInt())))
                .toAbsolutePath();
        cloud = CloudSide.start(Path.of("..").toAbsolutePath().normalize(), work, "localhost", List.of(tunnelPort));
        flood = new Flood(work);
        Tenants tenants = new Tenants(cloud);
        acmeAdmin = tenants.create(acme);
        globexAdmin = tenants.create(globex);
        acmeAgentKey = tenants.key(acme, acmeAdmin, "agent", "_pipeline_viewer");
        // A system in use before the attack: each door has checked a key once (connections made, code warmed).
        new Rest(registry(), acmeAdmin).ok("GET", "/api/v1/tunnels?accountIdentifier=" + acme, null);
        try (AgentProbe warmUp = new AgentProbe(cloud.agentEndpointPort, cloud.pki.resolve("ca.pem"), "127.0.0.1")) {
            warmUp.hello(acmeAgentKey, tunnelPort).get(60, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    void stopTheCloud() {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void strangersGuessingKeysOnEveryDoorAtOnceLockOutOnlyThemselves() throws Exception {
        CompletableFuture<List<String>> agentDoor = CompletableFuture.supplyAsync(this::guessOnTheAgentPort);
        CompletableFuture<List<Flood.Answer>> restDoor = CompletableFuture.supplyAsync(() -> flood.send(tunnelsUrl(),
                ATTACKER, guesses().stream().map(key -> "x-api-key: " + key).toList(), List.of()));
        CompletableFuture<List<Flood.Answer>> frpDoor = CompletableFuture.supplyAsync(() -> flood.send(frpLoginUrl(),
                FRP_RELAY, List.of(), guesses().stream().map(key -> frpLogin(key, ATTACKER_FRPC)).toList()));

        List<String> agentOutcomes = agentDoor.get(120, TimeUnit.SECONDS);
        assertEquals(GUESSES, agentOutcomes.size());
        assertTrue(Set.of("UNAUTHENTICATED", "RESOURCE_EXHAUSTED").containsAll(agentOutcomes),
                "every guess on the agent port is refused: " + agentOutcomes);
        assertTrue(agentOutcomes.contains("RESOURCE_EXHAUSTED"), "the guessing source is throttled: " + agentOutcomes);

        List<Integer> restStatuses = restDoor.get(120, TimeUnit.SECONDS).stream().map(Flood.Answer::status).toList();
        assertTrue(Set.of(401, 429).containsAll(restStatuses), "every guess on REST is refused: " + restStatuses);
        assertTrue(restStatuses.contains(429), "the guessing source is throttled on REST: " + restStatuses);

        List<JsonNode> frpAnswers = new ArrayList<>();
        for (Flood.Answer answer : frpDoor.get(120, TimeUnit.SECONDS)) {
            assertEquals(200, answer.status(), "frps always gets 200: " + answer.body());
            frpAnswers.add(JSON.readTree(answer.body()));
        }
        assertTrue(frpAnswers.stream().allMatch(answer -> answer.path("reject").asBoolean()),
                "every guessed frp login is rejected: " + frpAnswers);
        assertTrue(frpAnswers.stream().anyMatch(answer -> answer.path("reject_reason").asText().contains("RATE_LIMITED")),
                "the guessing frpc is throttled: " + frpAnswers);

        // At once, from other sources: the tenant's valid key opens every door.
        try (AgentProbe tenant = new AgentProbe(cloud.agentEndpointPort, cloud.pki.resolve("ca.pem"), "127.0.0.1")) {
            assertEquals("WELCOME", tenant.hello(acmeAgentKey, tunnelPort).get(30, TimeUnit.SECONDS));
        }
        assertEquals(200, new Rest(registry(), acmeAdmin).call("GET", "/api/v1/tunnels?accountIdentifier=" + acme, null)
                .status());
        JsonNode login = JSON.readTree(flood.send(frpLoginUrl(), "127.0.0.1", List.of(),
                List.of(frpLogin(acmeAgentKey, TENANT_FRPC))).get(0).body());
        assertEquals(false, login.path("reject").asBoolean(true), "the tenant's frp login: " + login);

        // The guessing source is still held off.
        assertEquals(429, flood.send(tunnelsUrl(), ATTACKER, List.of("x-api-key: " + guesses().get(0)), List.of())
                .get(0).status());
    }

    @Test
    void tenantsMadeByTheOperatorCannotReachEachOther() {
        Rest asGlobex = new Rest(registry(), globexAdmin);
        Rest.Answer acmeTunnels = asGlobex.call("GET", "/api/v1/tunnels?accountIdentifier=" + acme, null);
        assertEquals(403, acmeTunnels.status());
        assertEquals("WRONG_ACCOUNT", acmeTunnels.body().path("code").asText());
        Rest.Answer acmeKeys = new Rest("http://127.0.0.1:" + cloud.keyValidatorPort, globexAdmin)
                .call("GET", "/api/v1/apikeys?accountIdentifier=" + acme, null);
        assertEquals(403, acmeKeys.status());
        Rest.Answer newAccount = new Rest("http://127.0.0.1:" + cloud.keyValidatorPort, acmeAdmin)
                .call("POST", "/api/v1/accounts", "{\"identifier\":\"mine\",\"name\":\"mine\"}");
        assertEquals(403, newAccount.status(), "a tenant's admin is not the platform operator");
        assertEquals("NOT_PLATFORM_OPERATOR", newAccount.body().path("code").asText());
    }

    private List<String> guessOnTheAgentPort() {
        try (AgentProbe attacker = new AgentProbe(cloud.agentEndpointPort, cloud.pki.resolve("ca.pem"), ATTACKER)) {
            List<CompletableFuture<String>> calls = guesses().stream().map(key -> attacker.hello(key, tunnelPort))
                    .toList();
            return calls.stream().map(call -> call.orTimeout(60, TimeUnit.SECONDS).join()).toList();
        }
    }

    /** Made-up keys, each different, in the right format and naming a real account. */
    private List<String> guesses() {
        return Collections.unmodifiableList(IntStream.range(0, GUESSES)
                .mapToObj(i -> "sat." + acme + "." + randomText(16) + "." + randomText(32)).toList());
    }

    private static String frpLogin(String apiKey, String clientAddress) {
        return "{\"version\":\"0.1.0\",\"op\":\"Login\",\"content\":{\"version\":\"0.61.0\",\"hostname\":\"agent\","
                + "\"os\":\"linux\",\"arch\":\"amd64\",\"run_id\":\"" + randomText(8).replaceAll("[^A-Za-z0-9]", "r")
                + "\",\"metas\":{\"api_key\":\"" + apiKey + "\"},\"client_address\":\"" + clientAddress + "\"}}";
    }

    private String tunnelsUrl() {
        return registry() + "/api/v1/tunnels?accountIdentifier=" + acme;
    }

    private String frpLoginUrl() {
        return registry() + "/frp/" + cloud.frpPathSecret + "/handler?version=0.1.0&op=Login";
    }

    private String registry() {
        return "http://127.0.0.1:" + cloud.registryPort;
    }

    private static String randomText(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }
}
