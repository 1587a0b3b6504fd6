package io.secureconnect.policy.connector;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The hosts a connector implies, as host:port entries ("*." matches any subdomain): the server of a
 * repository or registry URL, the regional API hosts of an AWS region, the Google API hosts of a GCP project.
 * They become a build's destination allowlist (tunnel) or its NO_PROXY list (direct).
 */
public final class ImpliedHosts {

    public static final Pattern AWS_REGION = Pattern.compile("^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$");
    public static final Pattern GCP_PROJECT = Pattern.compile("^[a-z][a-z0-9-]{4,28}[a-z0-9]$");
    private static final Set<String> DOCKER_HUB = Set.of("docker.io", "index.docker.io", "registry-1.docker.io",
            "registry.hub.docker.com");

    private ImpliedHosts() {
    }

    public static List<String> of(Connector connector) {
        ConnectorType type = connector.connectorType();
        return switch (type.specKind()) {
            case GIT_URL -> List.of(EndpointUrl.endpointOf(connector.url, EndpointUrl.GIT_SCHEMES).hostAndPort());
            case HTTP_URL -> http(type, EndpointUrl.endpointOf(connector.url, EndpointUrl.HTTP_SCHEMES));
            case AWS_REGION -> aws(connector.region);
            case GCP_PROJECT -> gcp();
        };
    }

    private static List<String> http(ConnectorType type, EndpointUrl.Endpoint endpoint) {
        List<String> hosts = new ArrayList<>(List.of(endpoint.hostAndPort()));
        if (type == ConnectorType.DOCKER_REGISTRY && DOCKER_HUB.contains(endpoint.host())) {
            // Docker Hub serves its API, its tokens and its layers from three hosts.
            for (String host : List.of("registry-1.docker.io:443", "auth.docker.io:443",
                    "production.cloudflare.docker.com:443")) {
                if (!hosts.contains(host)) {
                    hosts.add(host);
                }
            }
        }
        return List.copyOf(hosts);
    }

    /** STS for credentials, ECR for images, S3 for artifacts, in the connector's region. */
    static List<String> aws(String region) {
        String domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
        return List.of(
                "sts." + region + "." + domain + ":443",
                "api.ecr." + region + "." + domain + ":443",
                "*.dkr.ecr." + region + "." + domain + ":443",
                "s3." + region + "." + domain + ":443",
                "*.s3." + region + "." + domain + ":443");
    }

    /** Google APIs (tokens, storage, Artifact Registry's API) and the registries GCP builds pull from. */
    static List<String> gcp() {
        return List.of("*.googleapis.com:443", "*.pkg.dev:443", "gcr.io:443", "*.gcr.io:443");
    }
}
