package io.secureconnect.registry.config;

import io.secureconnect.common.startup.StartupProblem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The frps instances allowed to call the plugin endpoint: {@code secureconnect.registry.frp.path-secret} (instance
 * {@value #DEFAULT_ID}, gateway {@code frp.gateway-id}) and each {@code frp.instances.<id>.path-secret} (gateway
 * {@code frps-<id>}). The path segment of a call names its instance; secrets are compared in constant time.
 */
public final class FrpInstances {

    public static final String DEFAULT_ID = "default";
    static final String INSTANCES = "secureconnect.registry.frp.instances.";
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,30}");

    private FrpInstances() {
    }

    /** Every configured instance (none: the endpoint is off). Call only with settings that passed {@link #problems}. */
    public static List<FrpInstance> of(RegistryConfig.Frp frp) {
        List<FrpInstance> instances = new ArrayList<>();
        frp.pathSecret().ifPresent(secret -> instances.add(new FrpInstance(DEFAULT_ID, frp.gatewayId(), secret,
                frp.agentEndpoint(), frp.proxyHost())));
        new TreeMap<>(frp.instances()).forEach((id, instance) -> instances.add(new FrpInstance(id, "frps-" + id,
                instance.pathSecret(), instance.agentEndpoint().orElse(frp.agentEndpoint()),
                instance.proxyHost().orElse(frp.proxyHost()))));
        return List.copyOf(instances);
    }

    /** The instance whose path secret was presented; every secret is compared, in constant time. */
    public static Optional<FrpInstance> match(List<FrpInstance> instances, String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] given = presented.getBytes(StandardCharsets.UTF_8);
        FrpInstance found = null;
        for (FrpInstance instance : instances) {
            if (MessageDigest.isEqual(instance.pathSecret().getBytes(StandardCharsets.UTF_8), given)) {
                found = instance;
            }
        }
        return Optional.ofNullable(found);
    }

    static List<StartupProblem> problems(RegistryConfig.Frp frp) {
        Map<String, String> secrets = new LinkedHashMap<>();
        new TreeMap<>(frp.instances()).forEach((id, instance) -> secrets.put(id, instance.pathSecret()));
        return problems(frp.pathSecret(), secrets);
    }

    private static List<StartupProblem> problems(Optional<String> defaultSecret, Map<String, String> secretsById) {
        List<StartupProblem> problems = new ArrayList<>();
        FrpPathSecret.problem(FrpPathSecret.SETTING, defaultSecret).ifPresent(problems::add);
        Map<String, String> seen = new LinkedHashMap<>();
        defaultSecret.ifPresent(secret -> seen.put(secret, DEFAULT_ID));
        secretsById.forEach((id, secret) -> {
            String setting = INSTANCES + id + ".path-secret";
            if (!ID.matcher(id).matches() || (id.equals(DEFAULT_ID) && defaultSecret.isPresent())) {
                problems.add(new StartupProblem(setting, "<hidden>", "the frps instance id '" + id + "' must be 1-31"
                        + " of a-z 0-9 - starting with a letter or digit, and not '" + DEFAULT_ID + "' while "
                        + FrpPathSecret.SETTING + " is set (that one is instance " + DEFAULT_ID + ")"));
                return;
            }
            FrpPathSecret.problem(setting, Optional.of(secret)).ifPresent(problems::add);
            String other = seen.putIfAbsent(secret, id);
            if (other != null) {
                problems.add(new StartupProblem(setting, "<hidden>", "must differ from the path secret of frps"
                        + " instance " + other + ": the path secret is what tells the instances apart"));
            }
        });
        return problems;
    }
}
