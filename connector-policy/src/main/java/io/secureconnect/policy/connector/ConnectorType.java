package io.secureconnect.policy.connector;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The connector types we store. Only some can use Secure Connect (the seed's list); the others are kept
 * so that enabling it on them can be refused with a clear answer.
 */
public enum ConnectorType {
    GITHUB("GitHub", SpecKind.GIT_URL, true),
    GITLAB("GitLab", SpecKind.GIT_URL, true),
    BITBUCKET("Bitbucket", SpecKind.GIT_URL, true),
    GIT("Git", SpecKind.GIT_URL, true),
    DOCKER_REGISTRY("DockerRegistry", SpecKind.HTTP_URL, true),
    GCP("Gcp", SpecKind.GCP_PROJECT, true),
    AWS("Aws", SpecKind.AWS_REGION, true),
    JIRA("Jira", SpecKind.HTTP_URL, false),
    VAULT("Vault", SpecKind.HTTP_URL, false),
    K8S_CLUSTER("K8sCluster", SpecKind.HTTP_URL, false);

    /** Which type-specific field a type uses. */
    public enum SpecKind { GIT_URL, HTTP_URL, AWS_REGION, GCP_PROJECT }

    private final String wireName;
    private final SpecKind specKind;
    private final boolean secureConnectCompatible;

    ConnectorType(String wireName, SpecKind specKind, boolean secureConnectCompatible) {
        this.wireName = wireName;
        this.specKind = specKind;
        this.secureConnectCompatible = secureConnectCompatible;
    }

    public String wireName() {
        return wireName;
    }

    public SpecKind specKind() {
        return specKind;
    }

    public boolean secureConnectCompatible() {
        return secureConnectCompatible;
    }

    /** True for the source-code types whose traffic makes a build set HARNESS_GIT_PROXY. */
    public boolean gitType() {
        return specKind == SpecKind.GIT_URL;
    }

    public static Optional<ConnectorType> fromWire(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ConnectorType::wireName).toList();
    }

    public static List<String> compatibleWireNames() {
        return Arrays.stream(values()).filter(ConnectorType::secureConnectCompatible).map(ConnectorType::wireName)
                .toList();
    }

}
