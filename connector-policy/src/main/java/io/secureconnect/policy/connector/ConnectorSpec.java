package io.secureconnect.policy.connector;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The type-specific part: {@code url} for GitHub, GitLab, Bitbucket and Git (https, http, ssh or git) and for
 * DockerRegistry, Jira, Vault and K8sCluster (https or http); {@code region} for Aws; {@code project} for Gcp;
 * optionally {@code oidc} for Aws and Gcp.
 */
@Schema(name = "ConnectorSpec")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConnectorSpec(
        @Schema(description = "Repository, server or registry URL; never with a password in it") String url,
        @Schema(description = "AWS region, e.g. eu-west-1") String region,
        @Schema(description = "GCP project id") String project,
        @Schema(description = "Aws and Gcp: OIDC credentials instead of stored secrets") ConnectorOidc oidc) {
}
