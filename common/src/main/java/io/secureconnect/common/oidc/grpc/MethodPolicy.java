package io.secureconnect.common.oidc.grpc;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Which roles may call which gRPC method, from {@link GrpcAuthSettings}: deny unless a role names the method. */
public final class MethodPolicy {

    private final Map<String, List<String>> methodsByRole;
    private final List<String> openMethods;

    public MethodPolicy(Map<String, List<String>> methodsByRole, List<String> openMethods) {
        this.methodsByRole = Map.copyOf(methodsByRole);
        this.openMethods = List.copyOf(openMethods);
    }

    /** A method anyone may call, token or not. */
    public boolean open(String fullMethodName) {
        return openMethods.stream().anyMatch(pattern -> matches(pattern, fullMethodName));
    }

    public boolean allows(Set<String> roles, String fullMethodName) {
        return roles.stream().anyMatch(role -> methodsByRole.getOrDefault(role, List.of()).stream()
                .anyMatch(pattern -> matches(pattern, fullMethodName)));
    }

    /** The roles that may call the method, for the refusal message. */
    public Set<String> rolesFor(String fullMethodName) {
        Set<String> roles = new TreeSet<>();
        methodsByRole.forEach((role, patterns) -> {
            if (patterns.stream().anyMatch(pattern -> matches(pattern, fullMethodName))) {
                roles.add(role);
            }
        });
        return roles;
    }

    static boolean matches(String pattern, String fullMethodName) {
        String trimmed = pattern.trim();
        if (trimmed.endsWith("/*")) {
            return fullMethodName.startsWith(trimmed.substring(0, trimmed.length() - 1));
        }
        return trimmed.equals(fullMethodName);
    }
}
