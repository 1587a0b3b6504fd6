package io.secureconnect.policy.connector;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of create and full replace. Everything a Terraform resource sets; a read returns these fields
 * exactly as written. Server-computed fields (proxyUrl, hosts, version) are not accepted here.
 */
@Schema(name = "ConnectorInput")
public record ConnectorInput(
        @Schema(required = true, pattern = ConnectorRules.IDENTIFIER_PATTERN) String identifier,
        @Schema(required = true, maxLength = 128) String name,
        @Schema(maxLength = 1024) String description,
        @Schema(description = "key: value; the value may be empty") Map<String, String> tags,
        @Schema(required = true, description = "GitHub, GitLab, Bitbucket, Git, DockerRegistry, Gcp, Aws, Jira, Vault or K8sCluster")
        String type,
        @Schema(required = true) ConnectorSpec spec,
        @Schema(description = "PLATFORM (default) or CUSTOMER_INFRASTRUCTURE") String connectionMode,
        SecureConnectSetting secureConnect) {
}
